from rest_framework.routers import SimpleRouter

from sources.api import views

app_name = "sources-api"

router = SimpleRouter()
router.register("outlets", views.OutletViewSet, basename="outlet")
router.register("sources", views.SourceViewSet, basename="source")

urlpatterns = router.urls
