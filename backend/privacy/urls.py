from django.urls import path

from privacy import views

urlpatterns = [
    path("providers/<int:pk>/export/", views.ProviderExportView.as_view(), name="provider-export"),
    path("providers/<int:pk>/erase/", views.ProviderEraseView.as_view(), name="provider-erase"),
]
