from ninja import NinjaAPI

api = NinjaAPI(title="sanxing API", version="1", urls_namespace="api")
