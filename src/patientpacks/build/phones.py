"""Whether a brand's phone numbers can be dialled in its country, and how
they print there.

libphonenumber (the ``phonenumbers`` package) knows each country's numbering
plan: which numbers exist, and their national format ("020 7946 0321",
"(541) 555-0100"). What it cannot know is which ranges the regulator keeps
for fiction (they never ring): those are the jurisdiction's data
(``fictional_numbers``). A number that cannot be dialled is printed as the
brand wrote it and makes the leaflet a draft: a patient must be able to call
the number in the safety box.
"""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers

from ..model import Brand, Jurisdiction


@dataclass(frozen=True)
class PhoneNumber:
    """A number as a leaflet prints it, and why it cannot be dialled ("": it can)."""

    printed: str
    problem: str = ""


def phone_number(number: str, jurisdiction: Jurisdiction) -> PhoneNumber:
    """``number`` checked and formatted for ``jurisdiction``'s country."""
    if number in jurisdiction.short_codes:  # 999, 111, 911: dialled as they are
        return PhoneNumber(number)
    try:
        parsed = phonenumbers.parse(number, jurisdiction.country)
    except phonenumbers.NumberParseException as error:
        return PhoneNumber(number, f"not a phone number ({error._msg})")
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    if not phonenumbers.is_valid_number_for_region(parsed, jurisdiction.country):
        return PhoneNumber(number, f"not a number that exists in {jurisdiction.name}")
    if any(e164.startswith(prefix) for prefix in jurisdiction.fictional_numbers):
        return PhoneNumber(number, "in a range kept for fiction (it never rings)")
    if phonenumbers.region_code_for_number(parsed) != jurisdiction.country:
        # A number abroad prints in the international format, as dialled from here.
        international = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        return PhoneNumber(international)
    return PhoneNumber(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL))


def brand_phone_numbers(brand: Brand, jurisdiction: Jurisdiction) -> dict[str, PhoneNumber]:
    """The brand's numbers by key (``contact.phone``, ``contact.out_of_hours_phone``)."""
    numbers = {"contact.phone": brand.contact.phone}
    if brand.contact.out_of_hours_phone:
        numbers["contact.out_of_hours_phone"] = brand.contact.out_of_hours_phone
    return {key: phone_number(number, jurisdiction) for key, number in numbers.items()}
