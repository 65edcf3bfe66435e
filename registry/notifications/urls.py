from django.urls import path

from registry.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read/", views.mark_all_read, name="mark-all-read"),
    path("<int:notification_id>/", views.message, name="message"),
    path("<int:notification_id>/read/", views.mark_read, name="mark-read"),
]
