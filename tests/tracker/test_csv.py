"""CSV downloads of the list pages."""

from tracker.models import Assignment


def test_my_tasks_downloads_every_filtered_row_as_csv(world, client):
    client.force_login(world.supervisor)
    response = client.get("/tasks/mine/?light=green&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = text.strip().splitlines()
    expected = Assignment.objects.filter(
        is_active=True, light="green", task__document__jurisdiction=world.shenzhen
    ).count()
    assert len(rows) == 1 + expected and expected == 3
    assert world.lead_unit.name in text


def test_staff_csv_holds_only_their_units(world, client):
    client.force_login(world.staff)
    text = client.get("/tasks/mine/?format=csv").content.decode("utf-8")
    assert world.lead_unit.name in text and world.unrelated.unit.name not in text
