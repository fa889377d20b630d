"""Models of the 基幹福祉相談センター, one module per family (cases; later sharing, attachments,
terminals, corrections, retention). Everything is importable from here."""

from yakuba.consult.models.cases import (PURPOSE, RETENTION, Assessment, Case, ConsultationRecord, Domain, Goal,
                                         Household, Intake, Person, SupportPlan, Task)
from yakuba.consult.models.sharing import (Agency, Consent, Disclosure, InformationRequest, MeetingMember,
                                           SupportMeeting)
from yakuba.consult.models.terminals import BreakGlass, Incident, Terminal
from yakuba.consult.models.corrections import CorrectionRequest, RecordChange
from yakuba.consult.models.retention import CaseErasure, ContractorKey, StorageDisposal
from yakuba.consult.models.attachments import Attachment, case_batch

__all__ = ["PURPOSE", "RETENTION", "Assessment", "Case", "ConsultationRecord", "Domain", "Goal", "Household",
           "Intake", "Person", "SupportPlan", "Task",
           "Agency", "Consent", "Disclosure", "InformationRequest", "MeetingMember", "SupportMeeting"]
__all__ += ["BreakGlass", "Incident", "Terminal"]
__all__ += ["CorrectionRequest", "RecordChange", "CaseErasure", "ContractorKey", "StorageDisposal"]
__all__ += ["Attachment", "case_batch"]
