"""Describe results (``sobjects``, ``sobjects/<T>``, ``.../describe``) from the field model."""

from __future__ import annotations

from typing import Any

from ._state_schema import ID_TYPES, NUMBER_TYPES, OBJECTS, FieldSpec, ObjectSpec

LATEST = (45, 66)  # Spring '19 .. Spring '26
_SOAP = {
    "id": "tns:ID",
    "reference": "tns:ID",
    "boolean": "xsd:boolean",
    "datetime": "xsd:dateTime",
    "date": "xsd:date",
    "int": "xsd:int",
    "double": "xsd:double",
    "currency": "xsd:double",
    "percent": "xsd:double",
}
_LENGTHS = {"id": 18, "reference": 18, "textarea": 32000, "email": 80, "phone": 40}


def versions() -> list[dict[str, str]]:
    out = []
    for number in range(LATEST[0], LATEST[1] + 1):
        cycle, position = divmod(number - LATEST[0], 3)
        season = ("Spring", "Summer", "Winter")[position]
        year = 19 + cycle + (1 if season == "Winter" else 0)
        out.append(
            {
                "label": f"{season} '{year}",
                "url": f"/services/data/v{number}.0",
                "version": f"{number}.0",
            }
        )
    return out


def urls(spec: ObjectSpec, version: str) -> dict[str, str]:
    base = f"/services/data/v{version}/sobjects/{spec.name}"
    return {
        "rowTemplate": f"{base}/{{ID}}",
        "describe": f"{base}/describe",
        "sobject": base,
    }


def basic(spec: ObjectSpec, version: str) -> dict[str, Any]:
    person = spec.name in {"Lead", "Contact", "Account"}
    return {
        "activateable": False,
        "createable": spec.createable,
        "custom": False,
        "customSetting": False,
        "deletable": spec.deletable,
        "deprecatedAndHidden": False,
        "feedEnabled": person,
        "hasSubtypes": False,
        "isInterface": False,
        "isSubtype": False,
        "keyPrefix": spec.key_prefix,
        "label": spec.label,
        "labelPlural": spec.label_plural,
        "layoutable": True,
        "mergeable": person,
        "mruEnabled": True,
        "name": spec.name,
        "queryable": True,
        "replicateable": True,
        "retrieveable": True,
        "searchable": not spec.name.startswith("ActionCadence") or spec.name == "ActionCadence",
        "triggerable": spec.name in {"Lead", "Contact", "Account", "Task", "Note", "User"},
        "undeletable": spec.deletable,
        "updateable": spec.updateable,
        "urls": urls(spec, version),
    }


def describe_field(spec: FieldSpec) -> dict[str, Any]:
    length = _LENGTHS.get(
        spec.type, 255 if spec.type not in NUMBER_TYPES | {"boolean", "date", "datetime"} else 0
    )
    return {
        "aggregatable": spec.type not in {"textarea"},
        "autoNumber": False,
        "byteLength": length * 3 if spec.type not in ID_TYPES else length,
        "calculated": spec.name in {"Name", "IsClosed", "IsTrackerActive"} and not spec.createable,
        "caseSensitive": False,
        "createable": spec.createable,
        "custom": False,
        "defaultValue": None,
        "defaultedOnCreate": spec.defaulted
        or spec.type == "boolean"
        or spec.name in _SYSTEM_DEFAULTED,
        "digits": 9 if spec.type == "int" else 0,
        "filterable": spec.filterable,
        "groupable": spec.type not in {"textarea", "datetime", "double", "currency", "percent"},
        "idLookup": spec.name in {"Id", "Username", "Email"},
        "label": spec.label,
        "length": length,
        "name": spec.name,
        "nameField": spec.name == "Name",
        "nillable": spec.nillable,
        "picklistValues": [
            {"active": True, "defaultValue": False, "label": v, "validFor": None, "value": v}
            for v in spec.picklist
        ],
        "polymorphicForeignKey": len(spec.reference_to) > 1,
        "precision": 18 if spec.type in {"currency", "double"} else 0,
        "referenceTo": list(spec.reference_to),
        "relationshipName": spec.relationship,
        "restrictedPicklist": False,
        "scale": 2 if spec.type in {"currency", "double"} else 0,
        "soapType": _SOAP.get(spec.type, "xsd:string"),
        "sortable": spec.sortable,
        "type": spec.type,
        "unique": spec.name == "Username",
        "updateable": spec.updateable,
    }


_SYSTEM_DEFAULTED = {
    "Id",
    "CreatedById",
    "CreatedDate",
    "LastModifiedById",
    "LastModifiedDate",
    "SystemModstamp",
}


def child_relationships(spec: ObjectSpec) -> list[dict[str, Any]]:
    out = []
    for child in OBJECTS.values():
        for field in child.fields.values():
            if spec.name in field.reference_to and field.name not in _SYSTEM_DEFAULTED:
                out.append(
                    {
                        "cascadeDelete": False,
                        "childSObject": child.name,
                        "deprecatedAndHidden": False,
                        "field": field.name,
                        "junctionIdListNames": [],
                        "junctionReferenceTo": [],
                        "relationshipName": None,
                        "restrictedDelete": False,
                    }
                )
    return out


def describe(spec: ObjectSpec, version: str) -> dict[str, Any]:
    out = basic(spec, version)
    out["childRelationships"] = child_relationships(spec)
    out["fields"] = [describe_field(f) for f in spec.fields.values()]
    return dict(sorted(out.items()))


def describe_global(version: str) -> dict[str, Any]:
    return {
        "encoding": "UTF-8",
        "maxBatchSize": 200,
        "sobjects": [basic(OBJECTS[name], version) for name in sorted(OBJECTS)],
    }
