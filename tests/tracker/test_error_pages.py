"""Refusals render the product's own pages, in the product's layout."""


def test_out_of_scope_answers_the_404_page(world, client):
    client.force_login(world.other_supervisor)
    response = client.get(f"/assignments/{world.lead.pk}/")
    assert response.status_code == 404
    assert "404.html" in [t.name for t in response.templates]
    assert "/tasks/mine/" in response.content.decode()


def test_a_role_refusal_answers_the_403_page(world, client):
    client.force_login(world.staff)
    response = client.get("/review/")
    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]
