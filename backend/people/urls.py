from rest_framework.routers import DefaultRouter

from people import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("businesses", views.BusinessViewSet, basename="business")
router.register("providers", views.ProviderViewSet, basename="provider")
router.register("trainers", views.TrainerViewSet, basename="trainer")

urlpatterns = router.urls
