from django.urls import path

from sources import views

app_name = "sources"

urlpatterns = [
    path("", views.source_list, name="source_list"),
    path("<int:pk>/", views.source_detail, name="source_detail"),
    path("outlets/<int:pk>/", views.outlet_detail, name="outlet_detail"),
]
