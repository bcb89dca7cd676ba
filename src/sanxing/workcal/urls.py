app_name = "workcal"
urlpatterns: list = []
