from django.contrib import admin

from masthead.access.models import AccessRules, FunnelEvent


@admin.register(AccessRules)
class AccessRulesAdmin(admin.ModelAdmin):
    """The one rules row: no adding a second, no deleting."""

    fieldsets = [
        ("Meter", {"fields": ["free_limit", "period", "teaser_paragraphs", "registration_wall",
                              "anonymous_meters_per_ip"]}),
        ("Archive", {"fields": ["archive_days"]}),
        ("Always free / always premium", {"fields": ["free_sections", "premium_sections", "free_tags",
                                                     "premium_tags"]}),
        ("Market analysis", {"fields": ["market_sections"]}),
        ("Search crawlers", {"fields": ["crawler_domains", "crawler_ip_ranges"]}),
    ]
    filter_horizontal = ["free_sections", "premium_sections", "market_sections", "free_tags", "premium_tags"]

    def has_add_permission(self, request):
        return not AccessRules.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FunnelEvent)
class FunnelEventAdmin(admin.ModelAdmin):
    """Funnel counters, read-only (written in bulk by access.funnel)."""

    list_display = ["day", "kind", "reason", "channel", "count"]
    list_filter = ["kind", "channel", "day"]
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
