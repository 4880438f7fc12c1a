"""No module imports itself back, through any chain, type-only imports included (issue 11)."""

import grimp


def strongly_connected(graph: grimp.ImportGraph) -> list[set[str]]:
    """Tarjan's groups of modules that reach one another (more than one module each)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module)):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.add(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(group)

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return groups


def test_no_import_cycle_in_the_package_not_even_type_only() -> None:
    graph = grimp.build_graph("rcrp_desktop", exclude_type_checking_imports=False)
    assert strongly_connected(graph) == []


def test_the_cycle_check_finds_a_cycle() -> None:
    graph = grimp.ImportGraph()
    for name in ("pkg", "pkg.window", "pkg.trainer", "pkg.leaf"):
        graph.add_module(name)
    graph.add_import(importer="pkg.window", imported="pkg.trainer")
    graph.add_import(importer="pkg.trainer", imported="pkg.window")
    graph.add_import(importer="pkg.trainer", imported="pkg.leaf")
    assert strongly_connected(graph) == [{"pkg.window", "pkg.trainer"}]
