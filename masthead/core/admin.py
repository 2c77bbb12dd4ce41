from django.contrib import admin

from masthead.core.models import TaskFailure

# The admin is the editors' desk; its titles say so rather than "Django administration".
admin.site.site_header = "Masthead: editors' desk"
admin.site.site_title = "Masthead admin"
admin.site.index_title = "Content, readers and subscriptions"
# Long headlines need the width more than the app list does.
admin.site.enable_nav_sidebar = False


@admin.register(TaskFailure)
class TaskFailureAdmin(admin.ModelAdmin):
    list_display = ("task_name", "task_id", "error", "retries_left", "failed_at")
    list_filter = ("task_name",)
    search_fields = ("task_name", "task_id", "error")
    date_hierarchy = "failed_at"
    readonly_fields = [f.name for f in TaskFailure._meta.fields]

    def has_add_permission(self, request):
        return False
