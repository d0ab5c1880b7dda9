"""A graphql-core execution context with fast paths for plain data.

graphql-core completes every field through the same general machinery: a ``Path``, a resolve-info
tuple, the resolver, ``complete_value`` (non-null, list, leaf, abstract, object dispatch), the
leaf coercion, and for each object ``is_type_of`` and the collection of its sub-fields. A claims
page of 20 hits with facets has ~250 fields, nearly all of them attributes of plain objects
(``text``, ``claimant``, a facet's ``value``/``count``), and that machinery cost more than
everything else the API does for the request.

``FastExecutionContext`` keeps graphql-core's results and errors but takes two shortcuts:

* a *leaf* field - strawberry's basic resolver (an attribute read: no resolver function, no
  arguments, no field extension, no permission) of a scalar or enum type, optionally non-null,
  or a list of non-null scalars - is read and coerced directly;
* a value of a *plain* object type, or a list of them, whose selected sub-fields are all leaves,
  ``__typename``, (lists of) plain objects again, or fields of a *direct* resolver (``direct``:
  a pure function of the parent value and its arguments, needing no ``info``) whose arguments are
  literals of the document (no abstract types, no ``@defer``), is completed in one tight
  recursive pass (``is_type_of`` still checked).

The sub-fields collected for a selection and the plans of plain objects depend only on the
document when no ``@skip``/``@include`` reads a variable (and nothing is deferred): they are then
kept with the parsed operation (by identity, ``IdentityCache``: they leave with it) and shared by
every execution of it, instead of being collected again per request.

Anything unusual on the way (null in a non-null field, a coercion error, an ``Exception`` value,
an awaitable, a failed ``is_type_of``) abandons the shortcut and the general path completes that
field or value from scratch - the reads are attribute reads, so doing them twice is harmless - and
produces graphql-core's usual result or error. Resolver-backed fields always take the general path.
"""

from __future__ import annotations

import operator
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from math import isfinite
from typing import Any, cast

from graphql import (
    GraphQLBoolean,
    GraphQLField,
    GraphQLFloat,
    GraphQLID,
    GraphQLInt,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLString,
    OperationDefinitionNode,
    Undefined,
    VariableNode,
    is_leaf_type,
)
from graphql.execution.collect_fields import CollectedFields, FieldDetails
from graphql.execution.values import get_argument_values
from graphql.pyutils import Path
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from api.graphql.identity_cache import IdentityCache

_BASIC_RESOLVER = "_get_basic_result"  # strawberry's resolver for a plain attribute field
_MISS: Any = object()

Reader = Callable[[Any], Any]  # source object -> field value
# a leaf: (reader, coercion, non-null, list of non-null leaves, the Python type the coercion
# returns unchanged or None)
LeafPlan = tuple[Reader, Callable[[Any], Any], bool, bool, type | None]
# graphql-core's built-in scalars return values of these exact types as they are (Int: in range,
# Float: finite)
_AS_IS: dict[GraphQLScalarType, type] = {
    GraphQLString: str,
    GraphQLID: str,
    GraphQLBoolean: bool,
    GraphQLInt: int,
    GraphQLFloat: float,
}
_INT_MIN, _INT_MAX = -(2**31), 2**31 - 1
_DIRECT = "__qawl_direct__"


def direct(resolver: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a graphql-core resolver as direct: a pure function of the parent value and its coerced
    arguments that never reads ``info`` (it is passed None), so the fast path may call it. A
    resolver that raises sends the field back to the general path, which calls it again."""
    setattr(resolver, _DIRECT, True)
    return resolver


_leaf_plans: dict[GraphQLObjectType, dict[str, LeafPlan]] = {}


_readers: dict[tuple[GraphQLObjectType, str], Reader | None] = {}


def _reader(obj_type: GraphQLObjectType, name: str) -> Reader | None:
    """How to read a field strawberry resolves as a plain attribute, else None (once per field)."""
    key = (obj_type, name)
    try:
        return _readers[key]
    except KeyError:
        field_def = obj_type.fields.get(name)
        read = _readers[key] = None if field_def is None else _make_reader(field_def)
        return read


def _make_reader(field_def: GraphQLField) -> Reader | None:
    resolve = field_def.resolve
    if resolve is None or getattr(resolve, "__name__", "") != _BASIC_RESOLVER or field_def.args:
        return None
    definition = (field_def.extensions or {}).get("strawberry-definition")
    if (
        definition is not None
        and getattr(definition, "base_resolver", True) is None
        and not getattr(definition, "extensions", True)
        and getattr(definition, "default_resolver", None) is getattr
    ):
        return operator.attrgetter(definition.python_name)  # what strawberry does, without 3 calls
    return lambda source: resolve(source, None)


def _leaf_plan(field_type: GraphQLOutputType, read: Reader) -> LeafPlan | None:
    non_null = isinstance(field_type, GraphQLNonNull)
    inner = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
    is_list = False
    if isinstance(inner, GraphQLList):
        item = inner.of_type
        if not isinstance(item, GraphQLNonNull):  # a null item would need the general path
            return None
        inner, is_list = item.of_type, True
    if not is_leaf_type(inner):
        return None
    coerce = getattr(inner, "coerce_output_value", None)
    if coerce is None:
        return None
    as_is = None if is_list or not isinstance(inner, GraphQLScalarType) else _AS_IS.get(inner)
    return read, coerce, non_null, is_list, as_is


def leaf_plans(parent_type: GraphQLObjectType) -> dict[str, LeafPlan]:
    """The leaf fields of ``parent_type`` that take the fast path (computed once per type)."""
    plans = _leaf_plans.get(parent_type)
    if plans is None:
        plans = {}
        for name, field_def in parent_type.fields.items():
            read = _reader(parent_type, name)
            if read is None:
                continue
            plan = _leaf_plan(field_def.type, read)
            if plan is not None:
                plans[name] = plan
        _leaf_plans[parent_type] = plans
    return plans


def _leaf_value(plan: LeafPlan, source: Any) -> Any:
    """The completed value of a leaf field, or ``_MISS`` when the general path must decide."""
    try:
        value = plan[0](source)
    except Exception:
        return _MISS
    return _coerce_leaf(plan, value)


def _coerce_leaf(plan: LeafPlan, value: Any) -> Any:
    """The completed value of a leaf field whose value was read, or ``_MISS``."""
    _read, coerce, non_null, is_list, as_is = plan
    if (
        type(value) is as_is
        and (as_is is not int or _INT_MIN <= cast(int, value) <= _INT_MAX)
        and (as_is is not float or isfinite(cast(float, value)))
    ):
        return value  # what the coercion would return, without the call
    if value is None:
        return _MISS if non_null else None
    if isinstance(value, Exception):
        return _MISS
    try:
        if is_list:
            if not isinstance(value, list):
                return _MISS
            out = [coerce(v) for v in value]
            for v in out:
                if v is None or v is Undefined:
                    return _MISS
            return out
        coerced = coerce(value)
    except Exception:
        return _MISS
    if coerced is None or coerced is Undefined:
        return _MISS
    return coerced


# classes of strawberry object types whose instances cannot be awaitable or errors (no
# ``__await__``, ``__getattr__`` or ``__getattribute__`` of their own, not an exception):
# ``is_awaitable`` is skipped for their instances (one check per class, not one per object)
_never_awaitable: set[type] = set()


def _note_never_awaitable(cls: type) -> None:
    if (
        hasattr(cls, "__strawberry_definition__")
        and not hasattr(cls, "__await__")
        and not issubclass(cls, BaseException)
        and not hasattr(cls, "__getattr__")
        and cls.__getattribute__ is object.__getattribute__
    ):
        _never_awaitable.add(cls)


# The shape of an object-typed value: (non-null, list?, items non-null, object type).
Shape = tuple[bool, bool, bool, GraphQLObjectType]


def _object_shape(field_type: GraphQLOutputType) -> Shape | None:
    non_null = isinstance(field_type, GraphQLNonNull)
    inner = field_type.of_type if isinstance(field_type, GraphQLNonNull) else field_type
    if isinstance(inner, GraphQLList):
        item = inner.of_type
        item_non_null = isinstance(item, GraphQLNonNull)
        item = item.of_type if isinstance(item, GraphQLNonNull) else item
        if isinstance(item, GraphQLObjectType):
            return non_null, True, item_non_null, item
        return None
    if isinstance(inner, GraphQLObjectType):
        return non_null, False, False, inner
    return None


def _literal(node: Any) -> bool:
    """No variable anywhere in an argument value (nested lists and objects included)."""
    if isinstance(node, VariableNode):
        return False
    values = getattr(node, "values", None)  # ListValueNode
    if values is not None:
        return all(_literal(v) for v in values)
    fields = getattr(node, "fields", None)  # ObjectValueNode
    if fields is not None:
        return all(_literal(f.value) for f in fields)
    return True


def _direct_reader(field_def: GraphQLField, node: Any) -> Reader | None:
    """A field of a direct resolver whose arguments are literals: its arguments are coerced once,
    with the plan (the document fixes them), and the reader calls the resolver. None otherwise."""
    resolve = field_def.resolve
    if resolve is None or not getattr(resolve, _DIRECT, False):
        return None
    if not all(_literal(arg.value) for arg in node.arguments or ()):
        return None
    try:
        args = get_argument_values(field_def, node)
    except Exception:  # an invalid literal: the general path reports it
        return None
    return lambda source: resolve(source, None, **args)


# One selected sub-field of a plain object: (response name, kind, data)
#   kind "leaf": data = LeafPlan; "typename": data = the type name;
#   kind "object": data = (reader, Shape, field details list of the sub-selection)
Entry = tuple[str, str, Any]


# the node identities of a field details list (for a given parent type)
NodesKey = tuple[GraphQLObjectType, tuple[int, ...]]


@dataclass
class _SharedPlans:
    """What every execution of one operation can share. Each value keeps the field details list it
    was computed for alive, so the node ids in its key cannot be reused while it is kept."""

    subfields: dict[NodesKey, tuple[list[FieldDetails], CollectedFields]] = field(default_factory=dict)
    plans: dict[NodesKey, tuple[list[FieldDetails], list[Entry] | None]] = field(default_factory=dict)


_shared_plans: IdentityCache[OperationDefinitionNode, _SharedPlans | None] = IdentityCache()


def _static_selections(node: Any) -> bool:
    """No directive below ``node`` reads a variable, defers or streams (collection is then the
    same for every execution)."""
    for directive in getattr(node, "directives", None) or ():
        if directive.name.value in ("defer", "stream"):
            return False
        if any(isinstance(arg.value, VariableNode) for arg in directive.arguments or ()):
            return False
    selection_set = getattr(node, "selection_set", None)
    return selection_set is None or all(_static_selections(s) for s in selection_set.selections)


def shared_plans(operation: OperationDefinitionNode, fragments: Mapping[str, Any]) -> _SharedPlans | None:
    """The plans shared by the executions of ``operation``, or None if its collection can depend
    on variables (decided once per operation)."""

    def create() -> _SharedPlans | None:
        static = all(
            _static_selections(details.definition) and not details.variable_signatures
            for details in fragments.values()
        ) and all(_static_selections(s) for s in operation.selection_set.selections)
        return _SharedPlans() if static else None

    return _shared_plans.get(operation, create)


def _nodes_key(obj_type: GraphQLObjectType, field_details_list: list[FieldDetails]) -> NodesKey:
    return obj_type, tuple([id(d.node) for d in field_details_list])


class FastExecutionContext(StrawberryGraphQLCoreExecutionContext):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # (object type, id(field details list)) -> (the list, kept alive; entries or None)
        self._plain: dict[tuple[GraphQLObjectType, int], tuple[Any, list[Entry] | None]] = {}
        manager = self.middleware_manager  # strawberry always passes one, usually empty
        self._fast = manager is None or not manager.middlewares
        self._shared = shared_plans(self.operation, self.fragments)

    def collect_subfields(self, return_type: GraphQLObjectType, field_details_list: Any) -> CollectedFields:
        """graphql-core's collection, shared by the executions of a static operation."""
        shared = self._shared
        if shared is None or any(d.defer_usage is not None or d.fragment_variable_values for d in field_details_list):
            return super().collect_subfields(return_type, field_details_list)
        key = _nodes_key(return_type, field_details_list)
        kept = shared.subfields.get(key)
        if kept is not None:
            return kept[1]
        collected = super().collect_subfields(return_type, field_details_list)
        if not collected.new_defer_usages and not collected.forbidden_directive_instances:
            shared.subfields[key] = (field_details_list, collected)
        return collected

    def build_response(self, data: dict[str, Any] | None) -> Any:
        """The response; then the per-execution memos are dropped right away (the executor sits in
        reference cycles, and what it holds would otherwise wait for the cyclic collector)."""
        response = super().build_response(data)
        self._plain.clear()
        self._relevant_sub_fields.clear()
        return response

    # -- leaves in the general path ----------------------------------------------------------
    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: dict[str, Any],
        position_context: Any,
    ) -> Any:
        plans = leaf_plans(parent_type) if self._fast else None
        if not plans:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        fast: dict[str, Any] = {}
        slow: dict[str, Any] | None = None
        for response_name, field_details_list in grouped_field_set.items():
            node = field_details_list[0].node
            plan = None if node.arguments else plans.get(node.name.value)
            value = _MISS if plan is None else _leaf_value(plan, source_value)
            if value is _MISS:
                if slow is None:
                    slow = {}
                slow[response_name] = field_details_list
            else:
                fast[response_name] = value
        if slow is None:
            return fast
        rest = super().execute_fields(parent_type, source_value, path, slow, position_context)
        if self.is_awaitable(rest):
            return _merge_later(grouped_field_set, fast, rest)
        return _merge(grouped_field_set, fast, rest)  # type: ignore[arg-type]

    # -- whole plain sub-trees -----------------------------------------------------------------
    def complete_value(
        self,
        return_type: GraphQLOutputType,
        field_details_list: Any,
        info: Any,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> Any:
        if self._fast and position_context is None and result is not None:
            shape = _object_shape(return_type)
            if shape is not None:
                done = self._shaped(shape, result, field_details_list)
                if done is not _MISS:
                    return done
        return super().complete_value(
            return_type, field_details_list, info, path, result, position_context
        )

    def _entries(self, obj_type: GraphQLObjectType, field_details_list: Any) -> list[Entry] | None:
        """The sub-fields of a plain object selection, or None if it is not plain."""
        key = (obj_type, id(field_details_list))
        cached = self._plain.get(key)
        if cached is not None:
            return cached[1]
        shared = self._shared
        if shared is not None:
            nodes = _nodes_key(obj_type, field_details_list)
            kept = shared.plans.get(nodes)
            if kept is not None:
                self._plain[key] = (field_details_list, kept[1])
                return kept[1]
        self._plain[key] = (field_details_list, None)  # provisional (no recursion through itself)
        entries = self._plan_entries(obj_type, field_details_list)
        self._plain[key] = (field_details_list, entries)
        if shared is not None:
            shared.plans[nodes] = (field_details_list, entries)
        return entries

    def _plan_entries(
        self, obj_type: GraphQLObjectType, field_details_list: Any
    ) -> list[Entry] | None:
        grouped, defers, forbidden = self.collect_subfields(obj_type, field_details_list)
        if defers or forbidden:
            return None
        leaves = leaf_plans(obj_type)
        entries: list[Entry] = []
        for response_name, sub_list in grouped.items():
            node = sub_list[0].node
            if any(d.defer_usage is not None for d in sub_list):
                return None
            name = node.name.value
            if name == "__typename":
                entries.append((response_name, "typename", obj_type.name))
                continue
            if name in leaves and not node.arguments:
                entries.append((response_name, "leaf", leaves[name]))
                continue
            field_def = obj_type.fields[name]
            read = None if node.arguments else _reader(obj_type, name)
            if read is None:
                read = _direct_reader(field_def, node)
            if read is None:
                return None
            shape = _object_shape(field_def.type)
            if shape is None or self._entries(shape[3], sub_list) is None:
                return None
            entries.append((response_name, "object", (read, shape, sub_list)))
        return entries

    def _shaped(self, shape: Shape, value: Any, field_details_list: Any) -> Any:
        """A completed object or list of objects, or ``_MISS``."""
        _non_null, is_list, item_non_null, obj_type = shape
        entries = self._entries(obj_type, field_details_list)
        if entries is None:
            return _MISS
        if not is_list:
            return self._object(obj_type, entries, value)
        if not isinstance(value, list):
            return _MISS
        out: list[Any] = []
        for item in value:
            if item is None:
                if item_non_null:
                    return _MISS
                out.append(None)
                continue
            done = self._object(obj_type, entries, item)
            if done is _MISS:
                return _MISS
            out.append(done)
        return out

    def _object(self, obj_type: GraphQLObjectType, entries: list[Entry], source: Any) -> Any:
        if type(source) not in _never_awaitable:
            if isinstance(source, Exception) or self.is_awaitable(source):
                return _MISS
            _note_never_awaitable(type(source))
        is_type_of = obj_type.is_type_of
        if is_type_of is not None:
            try:
                ok = is_type_of(source, None)  # type: ignore[arg-type]
            except Exception:
                return _MISS
            if ok is not True:  # False, or an awaitable: the general path decides
                return _MISS
        out: dict[str, Any] = {}
        for response_name, kind, data in entries:
            if kind == "leaf":  # _leaf_value, inlined for the common case: a value kept as it is
                try:
                    value = data[0](source)
                except Exception:
                    return _MISS
                as_is = data[4]
                if value is None:  # a nullable leaf stays null; a non-null one needs the general path
                    if data[2]:
                        return _MISS
                elif (
                    type(value) is not as_is
                    or (as_is is int and not _INT_MIN <= value <= _INT_MAX)
                    or (as_is is float and not isfinite(value))
                ):
                    value = _coerce_leaf(data, value)
            elif kind == "typename":
                value = data
            else:
                read, shape, sub_list = data
                try:
                    raw = read(source)
                except Exception:
                    return _MISS
                if raw is None:
                    if shape[0]:
                        return _MISS
                    value = None
                else:
                    value = self._shaped(shape, raw, sub_list)
            if value is _MISS:
                return _MISS
            out[response_name] = value
        return out


async def _merge_later(
    grouped_field_set: dict[str, Any], fast: dict[str, Any], rest: Awaitable[dict[str, Any]]
) -> dict[str, Any]:
    return _merge(grouped_field_set, fast, await rest)


def _merge(
    grouped_field_set: dict[str, Any], fast: dict[str, Any], rest: dict[str, Any]
) -> dict[str, Any]:
    """Both parts in the order of the query (a field the general path left out stays out)."""
    out: dict[str, Any] = {}
    for name in grouped_field_set:
        if name in fast:
            out[name] = fast[name]
        elif name in rest:
            out[name] = rest[name]
    return out
