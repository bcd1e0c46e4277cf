"""The board's chart of a checkpoint's answers: one bar per option chosen, the right one coloured once revealed."""

from __future__ import annotations

import plotly.graph_objects as go

from core.classroom.board import StepAnswers

#: Okabe-Ito blue and vermillion, not green and red: told apart with red–green colour blindness too. The ✓ and ✗
#: in the labels say the same without any colour.
RIGHT = "#0072B2"
WRONG = "#D55E00"
HIDDEN = "#8c959f"  # before "Show the answer": no bar says which is right


def answers_figure(answers: StepAnswers) -> go.Figure:
    """Horizontal bars, most chosen first, each with its count written on it."""
    options = answers.options
    if answers.revealed:
        colours = [RIGHT if right else WRONG for _, _, right in options]
        labels = [f"{'✓' if right else '✗'} {option}" for option, _, right in options]
    else:
        colours, labels = [HIDDEN] * len(options), [option for option, _, _ in options]
    counts = [count for _, count, _ in options]
    figure = go.Figure(go.Bar(x=counts, y=labels, orientation="h", marker_color=colours, text=counts,
                              textposition="auto", textangle=0, hovertemplate="%{y}: %{x}<extra></extra>"))
    figure.update_yaxes(autorange="reversed", automargin=True)
    figure.update_xaxes(title_text="students", rangemode="tozero", dtick=max(1, max(counts, default=1) // 5))
    figure.update_layout(height=80 + 44 * max(1, len(options)), margin=dict(l=10, r=20, t=10, b=40), showlegend=False,
                         font=dict(size=18))
    return figure
