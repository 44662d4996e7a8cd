from django.urls import path

from sources import views

app_name = "sources"

urlpatterns = [
    path("", views.source_list, name="source_list"),
    path("new/", views.source_ingest, name="source_ingest"),
    path("<int:pk>/", views.source_detail, name="source_detail"),
    path("<int:pk>/capture/", views.claim_capture, name="claim_capture"),
    path("outlets/", views.outlet_list, name="outlet_list"),
    path("outlets/<int:pk>/", views.outlet_detail, name="outlet_detail"),
]
