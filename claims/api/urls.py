from rest_framework.routers import SimpleRouter

from claims.api import views

app_name = "claims-api"

router = SimpleRouter()
router.register("claims", views.ClaimViewSet, basename="claim")
router.register("actors", views.ActorViewSet, basename="actor")
router.register("places", views.PlaceViewSet, basename="place")
router.register("topics", views.TopicViewSet, basename="topic")
router.register("relations", views.RelationViewSet, basename="relation")
router.register("assessments", views.AssessmentViewSet, basename="assessment")
router.register("evidence", views.EvidenceViewSet, basename="evidence")

urlpatterns = router.urls
