from django.urls import path

from registry.review import views

app_name = "review"

urlpatterns = [
    path("", views.console, name="console"),
]
