import pytest

from lianxin.core.errors import ApplicationError
from lianxin.core.roles import Role
from lianxin.directory import selectors, services
from lianxin.directory.models import Organisation


@pytest.fixture
def ningxia(db):
    services.directory_generate_ningxia()


def test_demo_directory_names_units_as_the_region_does(ningxia):
    names = set(Organisation.objects.values_list("name", flat=True))
    for expected in [
        "银川市公安局交通警察支队兴庆区一大队",
        "兴庆区住房和城乡建设局",
        "兴庆区综合执法局",
        "兴庆区市场监督管理局",
        "银川市林草和园林管理局",
        "宁夏通信管理局",
        "自治区教育厅",
        "自治区国有资产监督管理委员会",
        "凤凰北街街道办事处",
        "兴庆区综合执法局凤凰北街执法中队",
        "新堡镇人民政府",
    ]:
        assert expected in names, expected


def test_demo_directory_is_idempotent(ningxia):
    count = Organisation.objects.count()
    assert services.directory_generate_ningxia() == 0
    assert Organisation.objects.count() == count


def test_every_county_has_every_county_unit(ningxia):
    from lianxin.directory.services import COUNTY_BODIES

    for dept_type, _, _ in COUNTY_BODIES:
        assert Organisation.objects.filter(level="county", dept_type=dept_type).count() == 22, (
            dept_type
        )


def test_handling_unit_walks_up_to_the_nearest_level(ningxia):
    # a township has its own market regulation office
    assert (
        selectors.handling_unit_for(dept_type="market_regulation", area_code="640104001007").name
        == "兴庆区市场监督管理局凤凰北街市场监管所"
    )
    # municipal engineering exists at county level
    assert (
        selectors.handling_unit_for(
            dept_type="municipal_engineering", area_code="640106002001"
        ).name
        == "金凤区市政工程管理所"
    )
    # telecom only at region level
    assert (
        selectors.handling_unit_for(dept_type="telecom", area_code="640104001007").name
        == "宁夏通信管理局"
    )
    # min_level stops the walk below the city
    unit = selectors.handling_unit_for(
        dept_type="education", area_code="640104001007", min_level="region"
    )
    assert unit.name == "自治区教育厅"
    assert selectors.unit_as_contract(unit) == {
        "name": "自治区教育厅",
        "code": "64-education",
        "area_code": "64",
        "level": "region",
    }


def test_credit_code_is_checked_with_stdnum(world):
    with pytest.raises(ApplicationError, match="统一社会信用代码"):
        services.validate_credit_code("91640100MA76XXXX1A")
    assert services.validate_credit_code("91110000600037341L") == "91110000600037341L"


def test_community_worker_sees_county_bureaus_not_other_community(world):
    user = world.user(Role.COMMUNITY_STAFF, "a")
    visible = set(selectors.organisation_list(user=user))
    assert world.a.orgs["civil_affairs"] in visible
    assert world.b.orgs["civil_affairs"] not in visible


def test_organisation_create_refuses_duplicates_and_nothing_changes(world):
    user = world.user(Role.REGION_STAFF, "a")
    before = Organisation.objects.count()
    with pytest.raises(ApplicationError, match="已存在"):
        services.organisation_create(
            actor=user,
            code=world.a.orgs["civil_affairs"].code,
            name="重复",
            kind="government",
            level="county",
            area=world.a.county,
        )
    assert Organisation.objects.count() == before
