from lianxin.core.routes import page

from . import views

app_name = "resources"
urlpatterns = [
    page("", views.index),
    page("partners/apply/", views.partner_apply),
    page("partners/<int:pk>/", views.partner_detail),
    page("partners/<int:pk>/offers/", views.offer_create),
    page("partners/<int:pk>/<str:action>/", views.partner_action),
    page("mine/", views.my_partner),
    page("offers/<int:pk>/withdraw/", views.offer_withdraw),
    page("points-merchants/", views.points_merchants),
    page("redeem/", views.redeem),
    page("redemptions/", views.redemption_index),
    page("cards/", views.card_index),
    page("cards/issue/", views.card_issue),
    page("cards/<int:pk>/", views.card_detail),
    page("cards/<int:pk>/print/", views.card_print),
    page("cards/<int:pk>/<str:action>/", views.card_action),
    page("households/<int:pk>/life-circle/", views.life_circle),
    page("coverage/", views.coverage),
    page("locations/", views.location_index),
    page("goods/", views.stock_index),
    page("goods/pledges/", views.pledge_create),
    page("goods/receive/", views.stock_receive),
    page("goods/<int:pk>/", views.stock_detail),
    page("goods/<int:pk>/dispatch/", views.stock_dispatch),
    page("boxes/", views.box_index),
    page("boxes/<int:pk>/", views.box_detail),
    page("boxes/<int:pk>/<str:action>/", views.box_action),
    page("exports/<str:kind>.xlsx", views.export),
]
