"""THE step-by-step controls: first / previous / next, a step slider, and play with a speed.

A stepper's view runs as an ``st.fragment`` with ``run_every`` set while it
plays, so each timer tick reruns only that view and moves one step. The step
number lives in session state and in the URL, so a teacher can link to one step.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ui.components.charts import clicked

#: Seconds per step while playing.
SPEEDS = {"slow": 1.5, "normal": 0.8, "fast": 0.4}
DEFAULT_SPEED = "normal"


@dataclass(frozen=True)
class Stepper:
    """The keys of one stepper. Steppers with the same ``prefix`` share the speed and play at most one at a time.

    Keys: ``<prefix>_<name>_step`` (the 1-based step), ``<prefix>_<name>_first`` /
    ``_previous`` / ``_next`` / ``_play`` (the buttons), ``<prefix>_speed``, and
    ``<prefix>_playing`` (the name of the stepper that plays, or None).
    """

    name: str
    query_key: str
    prefix: str = "lab"

    def key(self, control: str) -> str:
        return f"{self.prefix}_{self.name}_{control}"

    @property
    def step_key(self) -> str:
        return self.key("step")

    @property
    def playing_key(self) -> str:
        return f"{self.prefix}_playing"

    @property
    def started_key(self) -> str:
        return f"{self.prefix}_play_started"

    @property
    def speed_key(self) -> str:
        return f"{self.prefix}_speed"

    @property
    def playing(self) -> bool:
        return st.session_state.get(self.playing_key) == self.name

    def move(self, delta: int, total: int) -> None:
        st.session_state[self.step_key] = min(max(st.session_state[self.step_key] + delta, 1), total)

    def toggle_play(self, total: int) -> None:
        if self.playing:
            st.session_state[self.playing_key] = None
            return
        if st.session_state[self.step_key] >= total:
            st.session_state[self.step_key] = 1  # play from the start again
        st.session_state[self.playing_key] = self.name
        st.session_state[self.started_key] = True

    def play_controls(self, total: int) -> float | None:
        """Play / pause and the speed (outside the fragment, so the timer can start and stop); the interval."""
        st.session_state.setdefault(self.speed_key, DEFAULT_SPEED)
        playing = self.playing
        left, right, _ = st.columns([1, 2, 3], vertical_alignment="bottom")
        left.button("■ Pause" if playing else "▶ Play", key=self.key("play"), on_click=self.toggle_play,
                    args=(total,), width="stretch", disabled=total <= 1, type="primary" if playing else "secondary")
        right.segmented_control("Speed", list(SPEEDS), key=self.speed_key, required=True,
                                format_func=lambda name: name.capitalize())
        return SPEEDS[st.session_state.get(self.speed_key) or DEFAULT_SPEED] if playing else None

    def _advance_if_playing(self, total: int) -> bool:
        """One step forward per timer tick; True when the last step was reached (the caller then stops the timer)."""
        if not self.playing:
            return False
        if st.session_state.pop(self.started_key, False):
            return False  # the run that pressed Play shows the current step first
        if st.session_state[self.step_key] < total:
            st.session_state[self.step_key] += 1
        if st.session_state[self.step_key] >= total:
            st.session_state[self.playing_key] = None
            return True
        return False

    def _buttons(self, total: int) -> None:
        """Previous / next and a step slider; all disabled while playing."""
        playing = self.playing
        number = st.session_state[self.step_key]
        # Keyed, so that on a phone ui.components.style keeps the three buttons on one row.
        with st.container(key=self.key("controls")):
            first, back, forward, slider = st.columns([1.1, 1.4, 1.1, 3.5], vertical_alignment="bottom")
            first.button("« First", key=self.key("first"), on_click=self.move, args=(-total, total),
                         disabled=playing, width="stretch")
            back.button("‹ Previous", key=self.key("previous"), on_click=self.move, args=(-1, total),
                        disabled=playing or number <= 1, width="stretch")
            forward.button("Next ›", key=self.key("next"), on_click=self.move, args=(1, total),
                           disabled=playing or number >= total, width="stretch")
            if total > 1:
                slider.slider("Step", 1, total, key=self.step_key, disabled=playing)
            else:
                slider.caption("Only one step.")

    def current_step(self, total: int) -> tuple[int, bool]:
        """Clamp, advance (when playing) and show the buttons; returns (step number, finished playing).

        Call it at the top of the fragment. When ``finished`` is true, draw the
        step (so the slider learns its new value), then ``st.rerun(scope="app")``
        to stop the timer.
        """
        st.session_state[self.step_key] = min(max(int(st.session_state.get(self.step_key, 1)), 1), total)
        finished = self._advance_if_playing(total)
        self._buttons(total)
        number = st.session_state[self.step_key]
        if st.query_params.get(self.query_key) != str(number):
            st.query_params[self.query_key] = str(number)
        return number, finished

    def select_clicked_cell(self, chart_key: str, columns: int, cells: int) -> None:
        """Jump to the output cell clicked on the chart ``chart_key`` (an on_select callback)."""
        # The grids' customdata is 1-based and offset for the hover text, so read the axis position.
        cell = clicked(chart_key, use_customdata=False)
        if cell is not None:
            index = cell[0] * columns + cell[1]
            if 0 <= index < cells:
                st.session_state[self.step_key] = index + 1
