from rest_framework.routers import DefaultRouter

from catalogue import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("frameworks", views.FrameworkViewSet, basename="framework")
router.register("competencies", views.CompetencyViewSet, basename="competency")
router.register("modules", views.ModuleViewSet, basename="module")
router.register("paths", views.LearningPathViewSet, basename="path")

urlpatterns = router.urls
