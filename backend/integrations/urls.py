from rest_framework.routers import DefaultRouter

from integrations import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("partner-clients", views.PartnerClientViewSet, basename="partner-client")

urlpatterns = router.urls
