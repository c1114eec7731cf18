"""`{% keep "name" %}…{% endkeep %}`: a part of a page rendered once and kept
(`core.pagecache.fragment`), and `{% current_path %}`, the request's path as a hole."""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from milieu.core import pagecache

register = template.Library()


class KeepNode(template.Node):
    child_nodelists = ("nodelist",)

    def __init__(
        self, nodelist: template.NodeList, name: str, vary: list[template.base.FilterExpression]
    ) -> None:
        self.nodelist = nodelist
        self.name = name
        self.vary = vary

    def render(self, context: template.Context) -> SafeString:
        request = context.get("request")
        if request is None or not hasattr(request, "user") or not pagecache.enabled():
            return self.nodelist.render(context)
        keeping = bool(context.get(pagecache.CONTEXT_FLAG))

        def render() -> str:
            with context.push(pagecache.keeping(request, shared=True)):
                return self.nodelist.render(context)

        origin = getattr(self, "origin", None)
        name = f"{origin.template_name if origin else ''}:{self.name}"
        vary = tuple(repr(expression.resolve(context)) for expression in self.vary)
        deferred = context.get(pagecache.DEFERRED)
        if keeping and deferred is not None:
            # A page rendered to be kept: a part the worker's memory lacks is looked up with the
            # page's others once the page is rendered, and rendered then if need be, from a
            # copy of the context as it is now (a loop moves on meanwhile).
            key = pagecache.fragment_key(request, name, vary)
            html = pagecache.kept_fragment(key)
            if html is None:
                values = {str(k): _frozen(v) for k, v in context.flatten().items()}
                snapshot = context.new(values)
                needs = [v for v in values.values() if isinstance(v, pagecache.ReadWhenRendered)]

                def later() -> str:
                    with (
                        snapshot.push({pagecache.DEFERRED: None}),
                        snapshot.push(pagecache.keeping(request, shared=True)),
                    ):
                        return self.nodelist.render(snapshot)

                html = pagecache.defer(deferred, key, later, needs)
            return mark_safe(html)  # noqa: S308 - rendered by the template engine
        html = pagecache.fragment(request, name, render, filled=not keeping, vary=vary)
        return mark_safe(html)  # noqa: S308 - rendered by the template engine


def _frozen(value):
    """A copy of the dicts in a value (a loop's `forloop`, which the loop changes in place),
    the rest as it is."""
    if type(value) is dict:
        return {k: _frozen(v) for k, v in value.items()}
    return value


@register.tag("keep")
def keep(parser: template.base.Parser, token: template.base.Token) -> KeepNode:
    """`{% keep "name" value… %}`: the values (template expressions) are part of the key, so
    the fragment is kept once per combination of them."""
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('Usage: {% keep "name" value… %}…{% endkeep %}')
    vary = [parser.compile_filter(bit) for bit in bits[2:]]
    nodelist = parser.parse(("endkeep",))
    parser.delete_first_token()
    return KeepNode(nodelist, bits[1][1:-1], vary)


@register.simple_tag(takes_context=True)
def current_path(context: template.Context) -> SafeString:
    """The request's path and query, escaped; a hole inside what is kept."""
    if context.get(pagecache.CONTEXT_FLAG):
        return pagecache.hole("path")
    request = context["request"]
    return mark_safe(escape(request.get_full_path()))  # noqa: S308 - escaped
