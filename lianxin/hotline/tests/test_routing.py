"""Routing engine: gazetteer, classifier, router (no database)."""

from __future__ import annotations

import pytest

from lianxin.hotline.routing import (
    CONTRACT_KEYS,
    EXTRA_KEYS,
    CsvUnitResolver,
    InMemoryUnitResolver,
    Router,
    default_model,
    demo_units,
    load,
    locate,
    route,
    save,
    train,
)
from lianxin.hotline.routing.classifier import read_requests, rule_hits


@pytest.fixture(scope="module")
def resolver() -> InMemoryUnitResolver:
    return InMemoryUnitResolver(demo_units())


# --- DOMAIN.md examples ---------------------------------------------------------------


def test_domain_example_street_lamps_jinfeng(resolver):
    p = route("金凤区一条路上的路灯已经灭了一个星期了", resolver=resolver)
    assert p.dept_type == "municipal_engineering"
    assert p.area_code == "640106"
    assert p.area_level == "county"
    assert p.unit == {
        "name": "金凤区市政工程管理所",
        "code": "640106-municipal_engineering",
        "area_code": "640106",
        "level": "county",
    }
    assert "路灯" in p.explanation


def test_domain_example_unpaid_wages_litong(resolver):
    p = route("利通区一个建筑工地的农民工三个月没拿到工资了", resolver=resolver)
    assert p.dept_type == "human_resources"
    assert p.area_code == "640302"
    assert p.unit is not None
    assert p.unit["name"] == "利通区人力资源和社会保障局"


# --- gazetteer --------------------------------------------------------------------------


def test_village_community_resolves_to_its_code():
    m = locate("兴庆区安秀社区有个独居老人好几天没出门了")
    assert m is not None
    assert m.code == "640104001007"
    assert m.level == "village"
    assert m.matched == ("兴庆区", "安秀社区")


def test_community_without_district_resolves():
    m = locate("安秀社区楼道里有燃气味")
    assert m is not None
    assert m.code == "640104001007"


def test_street_resolves_to_township():
    m = locate("凤凰北街上有人占道经营")
    assert m is not None
    assert m.code == "640104001"
    assert m.level == "township"


def test_road_from_places_file():
    m = locate("宁安大街有摩托车炸街")
    assert m is not None
    assert m.code == "640106"
    assert m.level == "county"


def test_county_only_mention():
    m = locate("我在中宁县，想问一下")
    assert m is not None
    assert (m.code, m.level) == ("640521", "county")


def test_short_alias_county_and_city():
    assert locate("西夏这边停水了").code == "640105"
    assert locate("银川哪里能办").code == "6401"
    assert locate("中宁的枸杞卖不出去").code == "640521"


def test_longest_match_wins():
    # 西夏广场 is a place in 西夏区, not just the 西夏 alias; 贺兰山 is not 贺兰县.
    assert locate("西夏广场的路灯不亮").code == "640105"
    assert locate("贺兰山下面有人挖沙") is None
    assert locate("贺兰山中路路灯不亮").code == "640106006"


def test_overlapping_names_keep_the_town():
    assert locate("隆德县城关镇下水道堵了").code == "640423100"


def test_village_strip_suffix():
    m = locate("刘庄村的文化广场一直锁着")
    assert m is not None
    assert m.code == "640521103208"


def test_ambiguous_village_without_county_is_flagged():
    m = locate("新堡村的路坏了")
    assert m is not None
    assert m.ambiguous is True
    assert m.code == "64"
    assert m.level == "region"
    assert m.candidates == ("640324105226", "640422209214", "640521103200")


def test_ambiguous_village_resolved_by_county():
    assert locate("中宁县新堡村的路坏了").code == "640521103200"
    assert locate("同心县新堡村的路坏了").code == "640324105226"


def test_ambiguous_township_narrowed_by_city():
    assert locate("彭阳古城镇").code == "640425102"
    assert locate("古城镇").ambiguous is True


def test_blocker_phrases_are_not_places():
    assert locate("惠农补贴一直没有发") is None


def test_location_argument_adds_context():
    m = locate("新堡村的路坏了", context="中宁县")
    assert m is not None
    assert m.code == "640521103200"


def test_route_location_as_area_code(resolver):
    p = route("路灯坏了好几天了", location="640106", resolver=resolver)
    assert p.area_code == "640106"
    assert p.unit is not None
    assert p.unit["area_code"] == "640106"


# --- regional matters -----------------------------------------------------------------


def test_telecom_goes_to_region(resolver):
    p = route("我在兴庆区，移动乱扣我话费，营业厅不处理", resolver=resolver)
    assert p.dept_type == "telecom"
    assert (p.area_code, p.area_level) == ("64", "region")
    assert p.unit == {
        "name": "宁夏通信管理局",
        "code": "64-telecom",
        "area_code": "64",
        "level": "region",
    }


def test_regional_education_department():
    p = route("想咨询自治区教育厅今年的高考加分政策")
    assert p.dept_type == "education"
    assert (p.area_code, p.area_level) == ("64", "region")


def test_regional_university_goes_to_region_even_with_place(resolver):
    p = route("宁夏大学的研究生补助好几个月没发了", resolver=resolver)
    assert p.dept_type == "education"
    assert p.level_rule == "region"
    assert (p.unit["area_code"], p.unit["level"]) == ("64", "region")


def test_local_school_stays_local():
    p = route("兴庆区一所小学开学让买两百多块钱的教辅资料")
    assert p.dept_type == "education"
    assert p.area_code == "640104"


def test_regional_state_owned_enterprise():
    p = route("区属国企拖欠我们民营企业两百万货款三年了")
    assert p.dept_type == "state_assets"
    assert (p.area_code, p.area_level) == ("64", "region")


# --- classifier rules and conflicts -----------------------------------------------------


def test_heating_failure_at_home_goes_to_heating_supervision():
    # the duty list: heating in homes is supervised by comprehensive law enforcement
    assert route("兴庆区家里暖气不热，屋里才十五度").dept_type == "urban_management"


def test_heating_pipe_burst_goes_to_heating_company():
    assert route("西夏区马路上的供热管网爆了，热水流了一地").dept_type == "utility_heating"


def test_heating_supervision_goes_to_urban_management():
    p = route("热力公司暖气不达标还不处理，请金凤区供热监管部门督促")
    assert p.dept_type == "urban_management"


def test_rule_hits_report_keywords():
    assert rule_hits("工地欠薪三个月") == {"human_resources": ["欠薪"]}


# --- contract shape and errors -----------------------------------------------------------


def test_empty_text_raises_chinese_message():
    with pytest.raises(ValueError, match="^诉求内容不能为空$"):
        route("")
    with pytest.raises(ValueError, match="^诉求内容不能为空$"):
        route("   \n\t ")


def test_as_dict_has_exactly_contract_keys(resolver):
    d = route("金凤区北京中路的路灯坏了", resolver=resolver).as_dict()
    assert tuple(d) == CONTRACT_KEYS + EXTRA_KEYS
    assert set(d) == {
        "dept_type",
        "unit",
        "confidence",
        "alternatives",
        "explanation",
        "duty_entry",
        "place",
    }
    assert set(d["unit"]) == {"name", "code", "area_code", "level"}
    assert len(d["alternatives"]) == 3
    for alt in d["alternatives"]:
        assert set(alt) == {"dept_type", "unit", "confidence"}
    assert 0.0 <= d["confidence"] <= 1.0
    assert d["confidence"] >= max(a["confidence"] for a in d["alternatives"])


def test_unit_is_none_without_resolver():
    p = route("金凤区北京中路的路灯坏了")
    assert p.unit is None
    assert all(a["unit"] is None for a in p.alternatives)


def test_gibberish_is_low_confidence():
    for text in ("啊啊啊啊啊啊", "asdf qwer zxcv", "呵呵哈哈嘿嘿"):
        p = route(text)
        assert p.is_low_confidence is True
        assert p.confidence < 0.5
        assert "置信度较低" in p.explanation


def test_clear_request_is_not_low_confidence():
    p = route("凤凰北街这一片从早上就停水了，也没有通知")
    assert p.dept_type == "utility_water"
    assert p.is_low_confidence is False


def test_threshold_is_configurable():
    router = Router(threshold=0.999)
    assert router.route("金凤区北京中路的路灯坏了").is_low_confidence is True


# --- dataset, accuracy, persistence ------------------------------------------------------


def test_dataset_covers_every_type_with_heldout():
    rows = read_requests(split=None)
    by_type: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_type.setdefault(r["dept_type"], []).append(r)
    assert len(by_type) == 31
    for dept_type, items in by_type.items():
        assert len(items) >= 40, dept_type
        held = sum(1 for r in items if r["split"] == "heldout")
        assert 0.2 <= held / len(items) <= 0.35, dept_type


def test_heldout_top1_accuracy_at_least_85_percent():
    held = read_requests("heldout")
    model = default_model()
    preds = model.predict_many([r["text"] for r in held])
    correct = sum(p.dept_type == r["dept_type"] for p, r in zip(preds, held, strict=True))
    assert correct / len(held) >= 0.85


def test_save_load_round_trip(tmp_path):
    samples = [(r["text"], r["dept_type"]) for r in read_requests("train")]
    model = train(samples[::3])
    path = save(model, tmp_path / "var" / "router.joblib")
    assert path.exists()
    loaded = load(path)
    text = "金凤区北京中路的路灯坏了一个星期了"
    assert loaded.classes == model.classes
    assert loaded.predict(text).ranked == model.predict(text).ranked
    router = Router(model=loaded)
    assert router.route(text).dept_type == "municipal_engineering"


def test_load_rejects_foreign_file(tmp_path):
    import joblib

    path = tmp_path / "other.joblib"
    joblib.dump({"not": "a model"}, path)
    with pytest.raises(ValueError, match="路由模型文件格式不符"):
        load(path)


def test_default_model_prefers_saved_file(tmp_path):
    model = train([("路灯坏了", "municipal_engineering"), ("停水了", "utility_water")] * 3)
    path = save(model, tmp_path / "router.joblib")
    assert default_model(path).trained_on == 6


def test_common_words_are_not_townships():
    assert locate("在网上买的香水是假的") is None
    assert locate("孩子的望远镜坏了") is None
    assert locate("永宁县望远镇的路坏了").code == "640121102"


def test_route_flags_ambiguous_area():
    p = route("新堡村的村道一下雨就没法走")
    assert p.area_code == "64"
    assert p.area_ambiguous is True
    assert "歧义" in p.explanation


def test_csv_unit_resolver_walks_up(tmp_path):
    path = tmp_path / "units.csv"
    path.write_text(
        "name,code,area_code,level,dept_type\n"
        "金凤区市政工程管理所,U1,640106,county,municipal_engineering\n"
        "北京中路街道办事处,U2,640106004,township,township_government\n"
        "宁夏通信管理局,U3,64,region,telecom\n",
        encoding="utf-8",
    )
    resolver = CsvUnitResolver.from_csv(path)
    assert resolver.resolve("municipal_engineering", "640106004001", "township") == {
        "name": "金凤区市政工程管理所",
        "code": "U1",
        "area_code": "640106",
        "level": "county",
    }
    assert resolver.resolve("township_government", "640106004001", "township")["code"] == "U2"
    assert resolver.resolve("telecom", None, "region")["code"] == "U3"
    assert resolver.resolve("health", "640106", "county") is None
    p = route("金凤区锦绣苑社区门口的井盖丢了", resolver=resolver)
    assert p.area_code == "640106004001"
    assert p.unit is not None
    assert p.unit["code"] == "U1"


def test_route_latency_p95_under_50ms(resolver):
    import time

    texts = [r["text"] for r in read_requests("heldout")][:200]
    route(texts[0], resolver=resolver)
    times = []
    for text in texts:
        start = time.perf_counter()
        route(text, resolver=resolver)
        times.append(time.perf_counter() - start)
    times.sort()
    assert times[int(len(times) * 0.95) - 1] < 0.050


def test_two_districts_go_to_their_city():
    m = locate("户口从金凤区迁到兴庆区要什么材料")
    assert m is not None
    assert (m.code, m.level) == ("6401", "city")
    assert m.spans == ("640104", "640106")


def test_two_cities_go_to_region():
    m = locate("银川到中卫的大巴老是晚点")
    assert m is not None
    assert (m.code, m.level) == ("64", "region")


def test_overlapping_names_do_not_invent_villages():
    assert locate("大武口区长胜街道村民之间土地边界纠纷").code == "640202001"


def test_train_for_deployment_adds_seed_types():
    from lianxin.hotline.routing import train_for_deployment

    model = train_for_deployment([("小区门口的烧烤摊半夜还在营业", "urban_management")] * 5)
    assert len(model.classes) == 31
    assert model.trained_on == 5 + len(read_requests(split=None))
