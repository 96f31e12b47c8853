"""Sales Engagement (cadence) objects, as the Object and Field Reference (API v67.0) give them.

Facts only: field names, types, create/update/nillable flags, reference targets
and picklist values. ``calls`` lists the supported calls that matter over REST
(v67.0 text): ActionCadence has no create(), trackers allow only delete(), and
step trackers are read-only; the actions in ``_state_actions`` change them instead.
DayGroup, MinuteGroup and SubCadenceName appear only in the Field Reference, with
no Filter or Sort property: they are marked neither filterable nor sortable (``FS``),
the safe reading until a real org's describe says otherwise.
Key prefixes 77C, 0qB and 8HF are those of the documented sample ids; the
ActionCadenceStep prefix (7cs) is not documented anywhere we could read.
"""

from __future__ import annotations

_OUTCOMES = "Bad Data|Contact Later|Customer Connected|Customer Engaged|Disqualified|Duplicate|No Response|Not Interested|Success"
_STEP_TYPES = "AutoSendAnEmail|Branch|CreateTask|DaisyChain|LinkedInConnection|LinkedInMail|ListenerBranch|MakeACall|PlatformScreenFlowRoot|SendAnEmail|Wait"
_ERROR_CODES = "|".join(
    [
        "AUTO_EMAIL_DAILY_LIMIT_REACHED",
        "AUTO_EMAIL_ORG_SETTING_OFF",
        "AUTO_LIST_MQ_MAX_RETRIES_FAILED",
        "BCC_NOT_ALLOWED_IF_BCC_COMPLIANCE_ENABLED",
        "EAC_GLOBAL_DATA_SOURCE_ERROR",
        "EMAIL_ORG_SETTING_OFF",
        "EXCHANGE_MAX_MAILBOX_SIZE",
        "EXCHANGE_SEND_AS_DENIED",
        "FIX_WITH_RECONNECT",
        "GOOGLE_MAIL_SERVICE_NOT_ENABLED",
        "INVALID_DRAFT",
        "INVALID_TARGET_EMAIL",
        "INVALID_TEMPLATE_ID",
        "INVALID_USER_EMAIL",
        "MAIL_PROVIDER_RATE_LIMIT_REACHED",
        "NON_EMAIL_UNKNOWN_ERROR",
        "NO_ATTACHMENT_ACCESS",
        "NO_CONTENT_VERSION_ACCESS",
        "NO_LIST_EMAIL_PERMISSION",
        "NO_TARGET_ACCESS",
        "ORG_WIDE_AUTO_EMAIL_LIMIT_REACHED",
        "ORG_WIDE_DAILY_EMAIL_LIMIT_REACHED",
        "OTHER_REQ_FIELD_MISSING",
        "PARDOT_MERGE_FIELD_RENDERING_ERROR",
        "POST_SEND_EXCEPTION",
        "RETRIES_MAX_EXCEEDED",
        "RETRY_LATER",
        "SCHEDULED_EMAIL_FAILED",
        "SENDER_MAILBOX_NOT_FOUND",
        "TARGET_DO_NOT_CONTACT_ON",
        "TARGET_EMAIL_BOUNCED",
        "TARGET_EMAIL_EMPTY",
        "TEMPLATE_DELETED",
        "TEMPLATE_EMPTY",
        "TEMPLATE_HAS_INVALID_MERGE_FIELD",
        "TEMPLATE_MERGE_FIELD_RENDERING_ERROR",
        "TEMPLATE_NOT_PUBLIC",
        "TEMPLATE_TOO_LARGE",
        "UNKNOWN",
        "USER_HAS_LOST_HVS_ACCESS",
        "USER_IS_INACTIVE",
    ]
)

_CADENCE = """
ActivatedDate date n
ActiveTargets int n
Description textarea cun
ErrorMessage string n
FolderId reference cud ref:Folder,Organization,User:Folder
FolderName string n
IsWaitAllowedBeforeDaisyChain boolean -
LastEditedDateTime datetime cun
LastReferencedDate datetime n
LastViewedDate datetime n
Name string cu
OwnerId reference cud ref:User:Owner
State picklist cun = Active|Deleting|Draft|Error|Inactive
SuccessfulCompletions int n
TotalSteps int n
TotalTargets int n
Type picklist cun = Standard|Quick
"""

_STEP_COUNTS = "\n".join(
    f"{name} int n"
    for name in [
        "AllCallsCallBackLater",
        "AllCallsLeftVoicemail",
        "AllCallsMeaningfulConnect",
        "AllCallsNotInterested",
        "AllCallsUncategorized",
        "AllCallsUnqualified",
        "AllEmailsBouncedCount",
        "AllEmailsDeliveredCount",
        "AllEmailsHardBouncedCount",
        "AllEmailsLinkClickedCount",
        "AllEmailsOpenedCount",
        "AllEmailsOutOfOfficeCount",
        "AllEmailsRepliedCount",
        "AllEmailsSentCount",
        "AllEmailsSoftBouncedCount",
        "AllEmailsTrackedSentCount",
        "AllEmailsUntrackedSentCount",
        "AllManuallyCompletedCount",
        "AllOnTimeCompletedCount",
        "AllOverdueCompletedCount",
        "AllSkippedCount",
        "AllTotalCallsCount",
    ]
)

_STEP = f"""
ActionCadenceId reference c ref:ActionCadence:ActionCadence
{_STEP_COUNTS}
BranchDefaultStepName string cun
ChainedCadenceId reference cun ref:ActionCadence:ChainedCadence
DayGroup int FS
GoToStepIntervalInMinutes int cun
GoToStepIterationLimit int cun
GoToStepName string cun
GraphState picklist cun = Included|Orphaned|Pending|Retired
HasVariant boolean -
IsImmediateWakeUp boolean cu
IsOrphan boolean -
IsScheduledDueDateLocked boolean cu
IsScreenFlowActive boolean -
IsStepAutomationActive boolean -
IsThreaded boolean cu
MinuteGroup int FS
ParentStepName string cun
RootStepId reference cun ref:ActionCadenceStep:RootStep
ScheduledDaysUntilDue int cun
ScheduledDaysUntilStart int cun
ScheduledStartDelayInMinutes int cun
ScheduledStartTimeInMinutes int cun
ScreenFlowReference string cn
StepAutomationReference string cun
StepComments textarea cun
StepName string cun
StepTitle string cun
SubCadenceName string FS
TemplateId reference cun ref:CallTemplate,EmailTemplate:Template
Type picklist cu = {_STEP_TYPES}
TypeDetail string n
UniqueEmailsLinkClickedCount int n
UniqueEmailsOpenedCount int n
UniqueEmailsRepliedCount int n
WaitTimeInSeconds int cun
"""

_TRACKER = f"""
ActionCadenceId reference n ref:ActionCadence:ActionCadence
CompletionDisposition picklist n = {_OUTCOMES}
CompletionReason picklist n = AutomaticallyExited|AutomaticallyExitedDeletedStep|AutomaticallyExitedInvalidParentStep|DaisyChained|LeadConverted|ManuallyRemoved|ManuallyRemovedNoAccess|NoMoreSteps
CurrentStepId reference n ref:ActionCadenceStepTracker:CurrentStep
DaisyChainIteration int n
ErrorMessage string n
ExitGlobalRuleId reference n ref:ActionCadenceRule:ExitGlobalRule
IsTrackerActive boolean -
LastCompletedStepId reference n ref:ActionCadenceStepTracker:LastCompletedStep
OwnerId reference - ref:Group,User:Owner
RelatedToAttributionType picklist n = Activation|Collected|Collection Advancement|Maturation
RelatedToId reference n ref:Opportunity,Invoice:RelatedTo
ScheduledResumeDateTime datetime n
State picklist - = Complete|Error|Initializing|Paused|Processing|Running
TargetId reference n ref:Contact,Lead:Target
"""

_STEP_TRACKER = f"""
ActionCadenceId reference n ref:ActionCadence:ActionCadence
ActionCadenceName string n
ActionCadenceStepId reference n ref:ActionCadenceStep:ActionCadenceStep
ActionCadenceTrackerId reference - ref:ActionCadenceTracker:ActionCadenceTracker
ActionTakenDateTime datetime n
CompletedById reference n ref:User:CompletedBy
CompletionDate datetime n
CompletionReason picklist n = AutomaticallyCompleted|AutomaticallyExited|ManuallyCompleted|ManuallySkipped
DueDateTime datetime n
ErrorCode picklist n = {_ERROR_CODES}
GoToStepIterationCount int n
IsActionTaken boolean -
ScheduledStartDateTime datetime n
SecondsOverdue int n
State picklist n = Active|Cancelled|Completed|Error|InProgress|Paused|Queued|Scheduled
StepTitle string n
StepType picklist n = {_STEP_TYPES.replace("|Wait", "|SubRoot|Wait")}
TargetId reference n ref:Contact,Lead:Target
WasEverPaused boolean -
"""

# name: (label, plural label, key prefix, supported REST calls, fields)
CADENCE_OBJECTS: dict[str, tuple[str, str, str, str, str]] = {
    "ActionCadence": ("Cadence", "Cadences", "77C", "update delete", _CADENCE),
    "ActionCadenceStep": (
        "Cadence Step",
        "Cadence Steps",
        "7cs",
        "create update delete",
        _STEP,
    ),
    "ActionCadenceTracker": (
        "Cadence Tracker",
        "Cadence Trackers",
        "0qB",
        "delete",
        _TRACKER,
    ),
    "ActionCadenceStepTracker": (
        "Cadence Step Tracker",
        "Cadence Step Trackers",
        "8HF",
        "",
        _STEP_TRACKER,
    ),
}
