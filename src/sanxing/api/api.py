from ninja import NinjaAPI

api = NinjaAPI(title="sanxing API", version="1", urls_namespace="api")
api.add_router("/people", "sanxing.people.api.router")
api.add_router("/calendar", "sanxing.workcal.api.router")
api.add_router("/notices", "sanxing.notify.api.router")
api.add_router("/casework", "sanxing.casework.api.router")
api.add_router("/", "sanxing.gatherings.api.router")
