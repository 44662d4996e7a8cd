from django.urls import path

from claims import views

app_name = "claims"

urlpatterns = [
    path("", views.claim_list, name="claim_list"),
    path("<int:pk>/", views.claim_detail, name="claim_detail"),
    path("actors/<int:pk>/", views.actor_detail, name="actor_detail"),
    path("places/<int:pk>/", views.place_detail, name="place_detail"),
    path("topics/<int:pk>/", views.topic_detail, name="topic_detail"),
]
