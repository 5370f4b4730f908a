"""What an authenticated caller may see: one organization, or one department of it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    organization_id: int
    department_id: int | None = None

    def covers_department(self, department_id: int) -> bool:
        return self.department_id is None or self.department_id == department_id
