"""What every app of Qibu shares (see docs/ARCHITECTURE.md):

    http         the current person, htmx requests, safe redirects
    validation   `FieldErrors`, the one way services collect errors by field, and the field validators
    forms        a service's ValidationError placed on a form, field by field

History (who changed what) is the `qibu.audit` app, the one app below every other.
Nothing here imports an app of Qibu except for types, so every app may import it."""
