from django.db import connection
from django.test.utils import CaptureQueriesContext

from lianxin.areas import selectors
from lianxin.areas.models import Division, Grid
from lianxin.core.roles import Role


def test_divisions_are_loaded_by_migration(db):
    assert Division.objects.count() == 3199
    assert Division.objects.get(code="640104001007").short_name == "安秀社区"
    assert Division.objects.get(code="640502108214").short_name == "姚滩村"
    assert Division.objects.filter(level="county").count() == 22
    assert Division.objects.filter(level="township").count() == 259


def test_subtree_is_a_prefix_query(db):
    assert (
        Division.objects.subtree("640104").filter(level="township").count()
        == Division.objects.filter(parent_id="640104").count()
    )


def test_grid_worker_sees_only_his_grid(world):
    user = world.user(Role.GRID_WORKER, "a")
    assert list(Grid.objects.for_user(user)) == [world.a.grid]


def test_community_staff_see_their_community_grids_only(world):
    user = world.user(Role.COMMUNITY_STAFF, "a")
    assert set(Grid.objects.for_user(user)) == {world.a.grid, world.a.other_grid}


def test_county_staff_see_their_county_divisions_and_ancestors(world):
    user = world.user(Role.COUNTY_STAFF, "b")
    visible = Division.objects.for_user(user)
    assert visible.filter(code="640521103208").exists()
    assert visible.filter(code="6405").exists()  # ancestor: 中卫市
    assert visible.filter(code="64").exists()
    assert not visible.filter(code="640104").exists()
    assert not visible.filter(code="640522").exists()  # a sibling county


def test_user_without_assignment_sees_nothing(world):
    from lianxin.accounts.models import User

    user = User.objects.create_user(username="nobody", password="x")
    assert Division.objects.for_user(user).count() == 0
    assert Grid.objects.for_user(user).count() == 0


def test_disabled_assignment_grants_nothing(world):
    user = world.user(Role.COMMUNITY_STAFF, "a")
    user.assignments.update(is_active=False)
    user = type(user).objects.get(pk=user.pk)
    assert Grid.objects.for_user(user).count() == 0


def test_grid_list_query_count_is_fixed(world):
    user = world.user(Role.COUNTY_STAFF, "a")
    selectors.grid_list(user=user).count()  # warm the scope
    with CaptureQueriesContext(connection) as ctx:
        list(selectors.grid_list(user=user))
    assert len(ctx.captured_queries) == 1


def test_id_region_lookup_knows_current_and_historical_codes(db):
    assert selectors.region_of_id_code("640104") == ("兴庆区", True)
    assert selectors.region_of_id_code("642221") == ("固原县（已撤销）", True)
    assert selectors.region_of_id_code("110101") == ("", False)
