"""The sharing model of TCX: one module decides who may see and do what.

Use ``visible(queryset, actor)`` for lists, ``access(...)`` for one object, ``can(actor, action,
obj)`` for an action, and the ``Shareable`` model mixin (``tcx.policy.models``) for the fields.
"""
