from django.urls import path

from . import views

app_name = "resources"
urlpatterns = [
    path("", views.index, name="index"),
    path("partners/apply/", views.partner_apply, name="partner_apply"),
    path("partners/<int:pk>/", views.partner_detail, name="partner_detail"),
    path("partners/<int:pk>/offers/", views.offer_create, name="offer_create"),
    path("partners/<int:pk>/<str:action>/", views.partner_action, name="partner_action"),
    path("mine/", views.my_partner, name="my_partner"),
    path("offers/<int:pk>/withdraw/", views.offer_withdraw, name="offer_withdraw"),
    path("points-merchants/", views.points_merchants, name="points_merchants"),
    path("redeem/", views.redeem, name="redeem"),
    path("redemptions/", views.redemption_index, name="redemption_index"),
    path("cards/", views.card_index, name="card_index"),
    path("cards/issue/", views.card_issue, name="card_issue"),
    path("cards/<int:pk>/", views.card_detail, name="card_detail"),
    path("cards/<int:pk>/print/", views.card_print, name="card_print"),
    path("cards/<int:pk>/<str:action>/", views.card_action, name="card_action"),
    path("households/<int:pk>/life-circle/", views.life_circle, name="life_circle"),
    path("coverage/", views.coverage, name="coverage"),
    path("locations/", views.location_index, name="location_index"),
    path("goods/", views.stock_index, name="stock_index"),
    path("goods/pledges/", views.pledge_create, name="pledge_create"),
    path("goods/receive/", views.stock_receive, name="stock_receive"),
    path("goods/<int:pk>/", views.stock_detail, name="stock_detail"),
    path("goods/<int:pk>/dispatch/", views.stock_dispatch, name="stock_dispatch"),
    path("boxes/", views.box_index, name="box_index"),
    path("boxes/<int:pk>/", views.box_detail, name="box_detail"),
    path("boxes/<int:pk>/<str:action>/", views.box_action, name="box_action"),
    path("exports/<str:kind>.xlsx", views.export, name="export"),
]
