"""The unit-name resolver: registry lookups, safe equivalences, suggestions, query count."""

import pytest

from accounts.models import Jurisdiction, Unit, UnitAlias
from clauses.resolver import Resolution, Suggestion, resolve_units, suggest_units


def resolve(jurisdiction, name):
    return resolve_units(jurisdiction=jurisdiction, names=[name])[name]


def unit_of(jurisdiction, name):
    return resolve(jurisdiction, name).unit


def test_guangzhou_renshe_abbreviation_and_full_form_are_one_unit(juris):
    gz = juris("广州市")
    short, full = unit_of(gz, "市人社局"), unit_of(gz, "市人力资源社会保障局")
    assert short is not None and short == full
    assert full.name == "广州市人力资源和社会保障局"


def test_shenzhen_central_bank_spellings_are_one_unit(juris):
    sz = juris("深圳市")
    spellings = [
        "人行分行",
        "中国人民银行深圳市分行",
        "人民银行深圳市分行",
        "人民银行市分行",
        "人行深圳市分行",
    ]
    units = {unit_of(sz, name) for name in spellings}
    assert len(units) == 1
    assert units.pop().name == "中国人民银行深圳市分行"


def test_same_short_name_in_two_cities_is_two_units(juris):
    gz, zz = juris("广州市"), juris("郑州市")
    in_gz, in_zz = unit_of(gz, "市科技局"), unit_of(zz, "市科技局")
    assert in_gz is not None and in_zz is not None and in_gz != in_zz
    assert (in_gz.jurisdiction, in_zz.jurisdiction) == (gz, zz)


def test_every_gold_unit_resolves_in_its_jurisdiction(registry, gold):
    unresolved = []
    for filename, doc in gold:
        jurisdiction = Jurisdiction.objects.get(name=doc["jurisdiction"])
        names = [name for task in doc["tasks"] for name in task["units"]]
        names += doc["issuers"] + doc["addressees"]
        for name, res in resolve_units(jurisdiction=jurisdiction, names=names).items():
            if res.unit is None:
                unresolved.append((filename, doc["jurisdiction"], name))
            else:
                assert res.unit.jurisdiction == jurisdiction
    assert unresolved == []


def test_gold_same_unit_groups_resolve_to_one_unit_each(registry, gold):
    groups = [(doc["jurisdiction"], group) for _, doc in gold for group in doc["same_unit"]]
    assert groups, "the gold files name at least one same_unit group"
    for jurisdiction_name, group in groups:
        jurisdiction = Jurisdiction.objects.get(name=jurisdiction_name)
        resolutions = resolve_units(jurisdiction=jurisdiction, names=group)
        units = {res.unit for res in resolutions.values()}
        assert len(units) == 1 and None not in units, (jurisdiction_name, group)


@pytest.mark.parametrize(
    ("city", "name", "canonical"),
    [
        ("深圳市", "深圳市福田区", "深圳市福田区人民政府"),  # city prefix
        ("深圳市", "深圳市发展改革委", "深圳市发展和改革委员会"),  # prefix replaced by 市
        ("深圳市", "深圳市科技创新委员会", "深圳市科技创新委员会"),
        ("深圳市", "深圳外汇局", "国家外汇管理局深圳市分局"),
        ("深圳市", "深圳金融监管局", "国家金融监督管理总局深圳监管局"),
        ("深圳市", "市人力资源保障局", "深圳市人力资源和社会保障局"),
        ("广州市", "海珠区政府", "广州市海珠区人民政府"),  # 政府 ↔ 人民政府
        ("广州市", "广州市海珠区政府", "广州市海珠区人民政府"),  # prefix and 政府 together
        ("广州市", "人民银行广州分行营管部", "中国人民银行广州分行营业管理部"),
        ("郑州市", "人民银行河南省分行货币政策处", "中国人民银行河南省分行货币政策处"),  # 人行
        ("郑州市", "各区县（市）政府", "各区县(市)人民政府"),  # full-width brackets
        ("郑州市", "郑州市政府", "郑州市人民政府"),
        ("连云港市", "人民银行连云港市分行", "中国人民银行连云港市分行"),  # city inserted
        ("连云港市", "人行市分行", "中国人民银行连云港市分行"),
        ("武汉市", "各区政府", "各区人民政府"),
        ("武汉市", "武汉市 财政局", "武汉市财政局"),  # stray white space
    ],
)
def test_safe_equivalences_resolve(juris, city, name, canonical):
    unit = unit_of(juris(city), name)
    assert unit is not None, name
    assert unit.name == canonical


def test_same_words_in_another_city_do_not_resolve(juris):
    # 人民银行市分行 is a unit in 连云港市 and in 深圳市, a different one in each.
    lyg = unit_of(juris("连云港市"), "人民银行市分行")
    sz = unit_of(juris("深圳市"), "人民银行市分行")
    assert lyg.name == "中国人民银行连云港市分行"
    assert sz.name == "中国人民银行深圳市分行"
    assert unit_of(juris("广州市"), "深圳证监局") is None


def test_unknown_name_gets_ranked_suggestions_not_a_unit(juris):
    res = resolve(juris("深圳市"), "市科技创新局")

    assert isinstance(res, Resolution) and res.unit is None
    assert res.suggestions, "a close name must be suggested"
    assert res.suggestions[0].name == "深圳市科技创新委员会"
    assert all(isinstance(s, Suggestion) and 0 <= s.score <= 100 for s in res.suggestions)
    scores = [s.score for s in res.suggestions]
    assert scores == sorted(scores, reverse=True) and len(scores) <= 5
    assert res.suggestions[0].unit_id == Unit.objects.get(name="深圳市科技创新委员会").pk


def test_fuzzy_neighbours_are_never_resolutions(juris):
    gz, wh = juris("广州市"), juris("武汉市")
    assert unit_of(gz, "市科技创新局") is None  # 广州 has 市科技局
    assert unit_of(wh, "市科技局") is None  # 武汉 has 市科技创新局
    assert resolve(wh, "市科技局").suggestions[0].name == "武汉市科技创新局"


def test_unrelated_name_gets_no_suggestions(juris):
    assert resolve(juris("深圳市"), "国际奥林匹克委员会").suggestions == []


def test_suggest_units_limit_and_order(juris):
    suggestions = suggest_units(jurisdiction=juris("深圳市"), name="市发改局", limit=2)
    assert 1 <= len(suggestions) <= 2
    assert suggestions[0].name == "深圳市发展和改革委员会"


def test_results_keep_input_order_and_collapse_duplicates(juris):
    names = ["市财政局", "福田区", "市财政局", "不存在的单位"]
    results = resolve_units(jurisdiction=juris("深圳市"), names=names)
    assert list(results) == ["市财政局", "福田区", "不存在的单位"]
    assert results["不存在的单位"].unit is None


def test_ambiguous_equivalence_resolves_to_nothing(db):
    city = Jurisdiction.objects.create(name="测试市", short_name="测试")
    first = Unit.objects.create(jurisdiction=city, name="测试市甲区人民政府")
    second = Unit.objects.create(jurisdiction=city, name="测试市甲区管委会")
    UnitAlias.objects.create(unit=first, name="甲区人民政府")
    UnitAlias.objects.create(unit=second, name="测试市甲区政府")  # a bad hand-made alias

    res = resolve(city, "甲区政府")

    assert res.unit is None
    assert {s.unit_id for s in res.suggestions} >= {first.pk, second.pk}


def test_inactive_units_do_not_resolve(juris):
    sz = juris("深圳市")
    Unit.objects.filter(jurisdiction=sz, name="深圳市财政局").update(is_active=False)
    assert unit_of(sz, "市财政局") is None


def _many_names(count):
    known = list(
        UnitAlias.objects.filter(jurisdiction__name="深圳市")
        .order_by("name")
        .values_list("name", flat=True)
    )
    names = known[: count // 2] + [f"市不存在第{i}局" for i in range(count - count // 2)]
    assert len(names) == count
    return names


def test_query_count_does_not_grow_with_the_number_of_names(juris, django_assert_num_queries):
    sz = juris("深圳市")
    two, fifty = _many_names(2), _many_names(50)

    with django_assert_num_queries(1):
        small = resolve_units(jurisdiction=sz, names=two)
        for res in small.values():
            _ = res.unit and res.unit.name  # the unit is loaded, no lazy query
    with django_assert_num_queries(1):
        large = resolve_units(jurisdiction=sz, names=fifty)
        for res in large.values():
            _ = res.unit and res.unit.name
    assert len(large) == 50
    assert sum(res.unit is not None for res in large.values()) == 25


def test_no_names_no_query(juris, django_assert_num_queries):
    sz = juris("深圳市")
    with django_assert_num_queries(0):
        assert resolve_units(jurisdiction=sz, names=[]) == {}
