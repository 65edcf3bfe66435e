from django.urls import path  # noqa: F401  (pages are added with the provider's journeys)

app_name = "declarations"

urlpatterns: list = []
