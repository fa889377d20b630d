"""The council's own system (個人情報保護審議会): the register of personal-information files drawn from the
code (`register`). docs/council/register.md."""
