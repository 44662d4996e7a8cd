from django.urls import path

from claims import feeds, views

app_name = "claims"

urlpatterns = [
    path("", views.claim_list, name="claim_list"),
    path("feed/", feeds.claim_feed, name="claim_feed"),
    path("compare/", views.claim_compare, name="claim_compare"),
    path("figures/", views.figures_list, name="figures_list"),
    path("figures/contradicts/", views.figures_contradict_view, name="figures_contradict"),
    path("search.json", views.claim_search, name="claim_search"),
    path("<int:pk>/", views.claim_detail, name="claim_detail"),
    path("<int:pk>/assess/", views.claim_assess_view, name="claim_assess"),
    path("<int:pk>/link/", views.claim_link_view, name="claim_link"),
    path("<int:pk>/evidence/", views.evidence_add_view, name="evidence_add"),
    path("<int:pk>/appearances/", views.appearance_add_view, name="appearance_add"),
    path(
        "<int:pk>/appearances/<int:appearance_pk>/remove/",
        views.appearance_remove_view,
        name="appearance_remove",
    ),
    path("actors/", views.actor_list, name="actor_list"),
    path("actors/<int:pk>/", views.actor_detail, name="actor_detail"),
    path("actors/<int:pk>/feed/", feeds.actor_feed, name="actor_feed"),
    path("places/", views.place_list, name="place_list"),
    path("places/<int:pk>/", views.place_detail, name="place_detail"),
    path("places/<int:pk>/feed/", feeds.place_feed, name="place_feed"),
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/<int:pk>/", views.topic_detail, name="topic_detail"),
    path("topics/<int:pk>/feed/", feeds.topic_feed, name="topic_feed"),
]
