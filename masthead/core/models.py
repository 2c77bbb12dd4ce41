from django.db import models


class TaskFailure(models.Model):
    """A background task that raised; kept so staff can see failures in the admin."""

    task_id = models.CharField(max_length=64, db_index=True)
    task_name = models.CharField(max_length=200)
    arguments = models.TextField(blank=True)
    error = models.TextField()
    traceback = models.TextField(blank=True)
    retries_left = models.PositiveIntegerField(default=0)
    failed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-failed_at"]

    def __str__(self) -> str:
        return f"{self.task_name} ({self.task_id}) failed"
