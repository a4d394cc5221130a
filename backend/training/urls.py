from rest_framework.routers import DefaultRouter

from training import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("sessions", views.SessionViewSet, basename="session")
router.register("enrolments", views.EnrolmentViewSet, basename="enrolment")
router.register("completions", views.CompletionViewSet, basename="completion")

urlpatterns = router.urls
