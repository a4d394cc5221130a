from rest_framework.routers import DefaultRouter

from audit import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("audit", views.AuditEventViewSet, basename="audit-event")

urlpatterns = router.urls
