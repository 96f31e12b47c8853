"""Standard CRM objects the Sales Engagement flows touch, with their usual standard fields.

Only the fields the emulator has a use for are listed; an org has many more.
Picklist values are Salesforce's defaults for a new org.
"""

from __future__ import annotations

_INDUSTRY = "Agriculture|Banking|Chemicals|Communications|Construction|Consulting|Education|Electronics|Energy|Engineering|Entertainment|Environmental|Finance|Food & Beverage|Government|Healthcare|Hospitality|Insurance|Machinery|Manufacturing|Media|Not For Profit|Recreation|Retail|Shipping|Technology|Telecommunications|Transportation|Utilities|Other"
_LEAD_SOURCE = "Web|Phone Inquiry|Partner Referral|Purchased List|Other"
_SALUTATION = "Mr.|Ms.|Mrs.|Dr.|Prof."

_ACCOUNT = f"""
Name string cu
Type picklist cun = Prospect|Customer - Direct|Customer - Channel|Channel Partner / Reseller|Installation Partner|Technology Partner|Other
ParentId reference cun ref:Account:Parent
BillingStreet textarea cun
BillingCity string cun
BillingState string cun
BillingPostalCode string cun
BillingCountry string cun
Phone phone cun
Website url cun
Industry picklist cun = {_INDUSTRY}
AnnualRevenue currency cun
NumberOfEmployees int cun
Description textarea cun
OwnerId reference cud ref:User:Owner
LastActivityDate date n
"""

_CONTACT = f"""
AccountId reference cun ref:Account:Account
LastName string cu
FirstName string cun
Salutation picklist cun = {_SALUTATION}
Name string -
MailingStreet textarea cun
MailingCity string cun
MailingState string cun
MailingPostalCode string cun
MailingCountry string cun
Phone phone cun
MobilePhone phone cun
Email email cun
Title string cun
Department string cun
LeadSource picklist cun = {_LEAD_SOURCE}
Birthdate date cun
Description textarea cun
OwnerId reference cud ref:User:Owner
HasOptedOutOfEmail boolean cud
DoNotCall boolean cud
LastActivityDate date n
"""

_LEAD = f"""
LastName string cu
FirstName string cun
Salutation picklist cun = {_SALUTATION}
Name string -
Title string cun
Company string cu
Street textarea cun
City string cun
State string cun
PostalCode string cun
Country string cun
Phone phone cun
MobilePhone phone cun
Email email cun
Website url cun
Description textarea cun
LeadSource picklist cun = {_LEAD_SOURCE}
Status picklist cud = Open - Not Contacted|Working - Contacted|Closed - Converted|Closed - Not Converted
Industry picklist cun = {_INDUSTRY}
Rating picklist cun = Hot|Warm|Cold
AnnualRevenue currency cun
NumberOfEmployees int cun
OwnerId reference cud ref:Group,User:Owner
HasOptedOutOfEmail boolean cud
IsConverted boolean cd
ConvertedDate date n
ConvertedAccountId reference n ref:Account:ConvertedAccount
ConvertedContactId reference n ref:Contact:ConvertedContact
IsUnreadByOwner boolean ud
DoNotCall boolean cud
LastActivityDate date n
"""

_USER = """
Username string cu
LastName string cu
FirstName string cun
Name string -
CompanyName string cun
Title string cun
Department string cun
Email email cu
Phone phone cun
Alias string cu
CommunityNickname string cud
IsActive boolean cud
TimeZoneSidKey picklist cu
LocaleSidKey picklist cu
EmailEncodingKey picklist cu
LanguageLocaleKey picklist cu
ProfileId reference cu ref:Profile:Profile
ManagerId reference cun ref:User:Manager
UserType picklist n = Standard|PowerPartner|CsnOnly|Guest
LastLoginDate datetime n
"""

_TASK = """
WhoId reference cun ref:Contact,Lead:Who
WhatId reference cun ref:Account:What
Subject combobox cun
ActivityDate date cun
Status picklist cud = Not Started|In Progress|Completed|Waiting on someone else|Deferred
Priority picklist cud = High|Normal|Low
IsHighPriority boolean -
OwnerId reference cud ref:User,Group:Owner
Description textarea cun
Type picklist cun = Call|Email|Meeting|Other
AccountId reference n ref:Account:Account
IsClosed boolean -
IsArchived boolean -
CallDurationInSeconds int cun
CallType picklist cun = Internal|Inbound|Outbound
CallDisposition string cun
CallObject string cun
ReminderDateTime datetime cun
IsReminderSet boolean cud
CompletedDateTime datetime n
TaskSubtype picklist cn = Task|Email|ListEmail|Cadence|Call|LinkedIn
ActionCadenceStepTrackerId reference n ref:ActionCadenceStepTracker:ActionCadenceStepTracker
"""

_NOTE = """
IsPrivate boolean cud
ParentId reference c ref:Account,Contact,Lead:Parent
Title string cu
Body textarea cun
OwnerId reference cud ref:User:Owner
"""

# name: (label, plural label, key prefix, supported REST calls, fields)
STANDARD_OBJECTS: dict[str, tuple[str, str, str, str, str]] = {
    "Account": ("Account", "Accounts", "001", "create update delete", _ACCOUNT),
    "Contact": ("Contact", "Contacts", "003", "create update delete", _CONTACT),
    "Lead": ("Lead", "Leads", "00Q", "create update delete", _LEAD),
    "User": ("User", "Users", "005", "create update", _USER),
    "Task": ("Task", "Tasks", "00T", "create update delete", _TASK),
    "Note": ("Note", "Notes", "002", "create update delete", _NOTE),
}
