"""The class board: the teacher's view of the class's photos and answers; a student joins here."""

from __future__ import annotations

import streamlit as st

from ui.classroom import membership
from ui.classroom.board import teacher_board
from ui.classroom.student import join_form, student_view
from ui.resources.classroom import cached_class_store

st.title("🧑‍🏫 Class board")
membership.show_notice()
teacher, student = membership.teacher(), membership.student()
if teacher is not None and cached_class_store().is_teacher(teacher.code, teacher.key):
    teacher_board(teacher)
elif student is not None:
    student_view(student)
else:
    st.write("The class's photos and checkpoint answers come back here. The teacher starts a class on the "
             "**Lesson** page; students join with its code.")
    join_form()
    st.caption("Teacher on another browser: open your teacher address (it is under the board) to get the board "
               "back.")
