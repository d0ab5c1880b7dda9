"""What a resolver's selection asks for, read from graphql-core's syntax tree.

strawberry's ``info.selected_fields`` converts the whole selection below a field into its own
node objects on every call (~40 nodes for a claims search with facets); resolvers here only need
a few names and one argument, so they walk graphql-core's nodes directly, and a plan that depends
on the document alone (no variables) is kept per field node (the parser cache of
``api.graphql.operation`` hands out the same document, hence the same nodes, for the same query
text).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from graphql import (
    EnumValueNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLResolveInfo,
    InlineFragmentNode,
    SelectionNode,
    StringValueNode,
    VariableNode,
)
from strawberry.types import Info
from strawberry.types.nodes import get_variable_values

from api.graphql.identity_cache import IdentityCache

T = TypeVar("T")


class Selection:
    """The selection below one field: fields by name through fragments, argument values."""

    def __init__(self, info: Info[Any, Any] | GraphQLResolveInfo) -> None:
        raw = _raw(info)
        self.top: list[FieldNode] = list(raw.field_nodes)  # the resolver's field (merged)
        self.fragments: dict[str, FragmentDefinitionNode] = raw.fragments
        self.variables: dict[str, Any] = get_variable_values(raw)  # what strawberry's Info reads
        self.used_variables = False

    def fields(self, parents: Iterable[FieldNode]) -> list[FieldNode]:
        """The fields selected directly below ``parents`` (fragments spread)."""
        out: list[FieldNode] = []
        for parent in parents:
            if parent.selection_set is not None:
                self._collect(parent.selection_set.selections, out)
        return out

    def _collect(self, selections: Iterable[SelectionNode], out: list[FieldNode]) -> None:
        for sel in selections:
            if isinstance(sel, FieldNode):
                out.append(sel)
            elif isinstance(sel, InlineFragmentNode):
                self._collect(sel.selection_set.selections, out)
            elif isinstance(sel, FragmentSpreadNode):
                fragment = self.fragments.get(sel.name.value)
                if fragment is not None:
                    self._collect(fragment.selection_set.selections, out)

    def named(self, parents: Iterable[FieldNode], name: str) -> list[FieldNode]:
        """The fields called ``name`` directly below ``parents``."""
        return [f for f in self.fields(parents) if f.name.value == name]

    def enum_argument(self, field: FieldNode, name: str, default: str) -> str:
        """The name of an enum argument's value (a literal or a variable)."""
        for arg in field.arguments or ():
            if arg.name.value != name:
                continue
            value = arg.value
            if isinstance(value, (EnumValueNode, StringValueNode)):
                return value.value
            if isinstance(value, VariableNode):
                self.used_variables = True
                got = self.variables.get(value.name.value)
                if got is None:
                    return default
                return str(getattr(got, "value", got))
        return default


# field node -> {plan function: its result}: kept by the node's identity (``IdentityCache``), they
# leave with the parsed document
_plans: IdentityCache[FieldNode, dict[Callable[..., Any], Any]] = IdentityCache()
_MISS: Any = object()


def _raw(info: Info[Any, Any] | GraphQLResolveInfo) -> GraphQLResolveInfo:
    """graphql-core's resolve info (strawberry's ``Info`` wraps it; direct resolvers get it)."""
    if isinstance(info, Info):
        return info._raw_info
    return info


def cached_plan(info: Info[Any, Any] | GraphQLResolveInfo, plan: Callable[[Selection], T]) -> T:
    """``plan(Selection(info))``, computed once per field node unless it read a variable (so the
    requests of one query text share it: a plan returns immutable values)."""
    kept = _plans.get(_raw(info).field_nodes[0], dict)
    result: T = kept.get(plan, _MISS)
    if result is not _MISS:
        return result
    selection = Selection(info)
    result = plan(selection)
    if not selection.used_variables:
        kept[plan] = result
    return result
