from __future__ import annotations

from django.db import models

from yakuba.privacy.audit_chain import GENESIS


class AuditEntry(models.Model):
    """One entry of the append-only, hash-chained audit log (監査ログ).

    Entry i carries the hash of entry i−1 (`prev_hash`); its own `hash` is an HMAC over that and
    its fields, keyed by a key kept outside the database. It holds ids and categories, never
    personal values.
    """

    seq = models.BigIntegerField("番号", unique=True)
    at = models.DateTimeField("日時")
    action = models.CharField("操作", max_length=60, db_index=True)
    actor_id = models.BigIntegerField("操作者ID", null=True, blank=True, db_index=True)
    actor_role = models.CharField("操作者の役割", max_length=30, blank=True)
    organisation = models.CharField("組織コード", max_length=40, blank=True)
    target_type = models.CharField("対象の種類", max_length=60, blank=True)
    target_id = models.CharField("対象ID", max_length=80, blank=True, db_index=True)
    categories = models.JSONField("個人情報の区分", default=list)
    detail = models.JSONField("詳細", default=dict)
    ip = models.CharField("接続元", max_length=45, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "監査ログ"
        verbose_name_plural = "監査ログ"
        ordering = ["seq"]
        indexes = [  # the read budget and the readers page count by these (migration 0002)
            models.Index(fields=["actor_id", "at"], name="audit_actor_at"),
            models.Index(fields=["action", "at"], name="audit_action_at"),
        ]

    def chain_fields(self) -> dict[str, object]:
        """The fields the hash covers (everything but the hashes themselves)."""
        return {
            "seq": self.seq,
            "at": self.at.isoformat(timespec="microseconds"),
            "action": self.action,
            "actor_id": self.actor_id,
            "actor_role": self.actor_role,
            "organisation": self.organisation,
            "target_type": self.target_type,
            "target_id": self.target_id,
            "categories": list(self.categories),
            "detail": self.detail,
            "ip": self.ip,
        }

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise RuntimeError("audit entries are append-only")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise RuntimeError("audit entries are append-only")


class ChainHead(models.Model):
    """The last entry's number and hash: the row writers lock, and what finds a cut-off tail."""

    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS)

    class Meta:
        verbose_name = "監査ログの末尾"
