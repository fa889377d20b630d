"""Models of the 基幹福祉相談センター, one module per family (cases; later sharing, attachments,
terminals, corrections, retention). Everything is importable from here."""

from yakuba.consult.models.cases import (PURPOSE, RETENTION, Assessment, Case, ConsultationRecord, Domain, Goal,
                                         Household, Intake, Person, SupportPlan, Task)
from yakuba.consult.models.attachments import Attachment, case_batch

__all__ = ["PURPOSE", "RETENTION", "Assessment", "Case", "ConsultationRecord", "Domain", "Goal", "Household",
           "Intake", "Person", "SupportPlan", "Task",
           "Attachment", "case_batch"]
