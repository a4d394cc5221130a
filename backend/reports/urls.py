from django.urls import path

from reports import views

urlpatterns = [
    path(
        "providers/<int:pk>/progress.svg",
        views.ProviderProgressChartView.as_view(),
        name="provider-progress-chart",
    ),
    path("reports/skills/", views.SkillsReportView.as_view(), name="report-skills"),
    path("reports/skills.svg", views.SkillsChartView.as_view(), name="report-skills-chart"),
    path(
        "reports/training-effect/",
        views.TrainingEffectReportView.as_view(),
        name="report-training-effect",
    ),
    path("reports/sessions/", views.SessionsReportView.as_view(), name="report-sessions"),
]
