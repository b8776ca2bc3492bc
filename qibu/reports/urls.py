from django.urls import path

from qibu.reports import views, views_quality

app_name = "reports"
urlpatterns = [
    path("company/", views.company, name="company"),
    path("alignment/", views.tree, name="tree"),
    path("alignment/<int:pk>/children/", views.tree_children, name="tree_children"),
    path("alignment/unaligned/", views.tree_unaligned, name="tree_unaligned"),
    path("departments/<int:pk>/", views.department, name="department"),
    path("departments/<int:pk>/rows/", views.department_rows, name="department_rows"),
    path("people/<int:pk>/", views.person, name="person"),
    path("quality/", views_quality.quality, name="quality"),
]
