from ninja import NinjaAPI

api = NinjaAPI(title="Qibu API", version="1", urls_namespace="api")
