from django.contrib import admin
from django.urls import include, path

from . import views

admin.site.site_header = "Knowsley Social Value: administration"
admin.site.site_title = "Knowsley Social Value admin"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("accessibility/", views.AccessibilityView.as_view(), name="accessibility"),
    path("privacy/", views.PrivacyView.as_view(), name="privacy"),
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("messages/", views.MessagesView.as_view(), name="messages"),
    path("", include("reporting.urls")),
    path("", include("outcomes.urls")),
    path("", include("consultation.urls")),
    path("", include("procurement.urls")),
    path("open-data/", include("procurement.open_data_urls")),
    path("admin/", admin.site.urls),
]
