"""WCAG 2.x contrast between two #RRGGBB colours."""


def _luminance(hex_colour: str) -> float:
    value = hex_colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    try:
        a, b = sorted((_luminance(first), _luminance(second)), reverse=True)
    except ValueError:
        return 0.0
    return (a + 0.05) / (b + 0.05)
