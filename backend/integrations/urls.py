from django.urls import path
from rest_framework.routers import DefaultRouter

from integrations import views

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("partner-clients", views.PartnerClientViewSet, basename="partner-client")
router.register("webhooks", views.WebhookViewSet, basename="webhook")
router.register("participant-links", views.ParticipantLinkViewSet, basename="participant-link")

urlpatterns = [
    path("enrolments/bulk/", views.EnrolmentBulkView.as_view(), name="enrolments-bulk"),
    path("completions/bulk/", views.CompletionBulkView.as_view(), name="completions-bulk"),
    *router.urls,
]
