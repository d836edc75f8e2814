"""Common given names in Sweden and Norway, in small letters: a code that holds one beside another word holds a
person's name (Anna_Svensson, KARL-BERG, NRV_Lisa). Words that are also common in codes or in Swedish itself (per,
bo, max, love, sam, gun) are left out: a code is refused for a name only where it reads as one."""

from __future__ import annotations

GIVEN_NAMES = frozenset(
    """
    adam agnes agneta ahmad ahmed aisha albin alexander alfred ali alice alma alva amanda amina amir anders andreas
    ane anette angelica anita anna anne anneli annette annika anton arne arvid astrid axel barbro benjamin bengt bente
    berit bertil birgitta björn britt camilla carin carina carl carola caroline cecilia charlotte christer christian
    christina claes clara conny dan daniel david ebba ebbe edith edvin elias elin elina elisabet elisabeth ella ellen
    elliot elsa emelie emil emilia emilie emma erik eva fatima felicia filip frans freja fredrik frida gerd geir göran
    görel gösta gudrun gunilla gunnar gunnel gustaf gustav hampus hanna hannah hans harald harry hassan hedvig heidi
    helen helena helene helga henrik hilde hugo hussein håkan ibrahim ida inga inge ingeborg ingegerd ingela ingemar
    inger ingrid ines irene isak jacob jakob jan janne jenny jens jesper jessica jimmy joakim johan johanna johannes
    john johnny jon jonas jonathan josef josefin julia jörgen kajsa kalle kari karim karin karina karl katarina
    kenneth kent kerstin kim kjell klara klas knut kristian kristina kristoffer lars leila lena lennart leo leon
    liam lilly lina linda linnea linus lisa lotta louise lovisa lucas ludvig maj maja malin malte margareta maria
    marianne marie marit markus marcus martin maryam mats matilda mattias melvin mette michael mikael mikaela milo
    mira moa mohamed mohammad mohammed monica monika muhammad mustafa märta nadia nils nina noah nora nour olivia
    olle olof omar oscar oskar otto patrik peder petra peter pia pontus randi rasmus reza robin roger roland rolf
    ronja rune rut ruth saga sara sebastian selma signe silje simon siv sixten sofia sofie solveig staffan stefan
    stella sten stig susanne svea sven terje thea theo therese thomas tilda tobias tom tomas tommy tone tor torbjörn
    tove trond tyra ulf ulla ulrika vera viggo viktor vilma vincent wilma william yasmin ylva yusuf zahra åke åsa
    örjan
    """.split()  # noqa: SIM905 - a list of names reads best as words
)

# Common Norwegian and Danish surnames ending in -sen (with their spellings in ASCII letters), and the Swedish ones a
# rule of endings misses (Olsson has too few letters; Nygren's -gren follows a short stem), in small letters: a code or
# a file's name that holds one holds a person's name, whatever stands beside it. Other Swedish -sson, -qvist and -kvist
# names, and -gren ones after a common stem, are told by their ending (`identity.holds_surname`); names that are also
# places or words (Berg, Lund, Holm, Dahl, Moen, Strand) are left out, as a unit may code by its place.
SURNAMES = frozenset(
    """
    abrahamsen amundsen andersen andreassen antonsen christensen danielsen eriksen evensen fredriksen gundersen
    halvorsen hansen hanssen henriksen isaksen iversen jacobsen jakobsen jensen joergensen johannessen johansen johnsen
    jorgensen jørgensen karlsen knudsen knutsen kristensen kristiansen kristoffersen larsen madsen martinsen mathisen
    mikkelsen mortensen nielsen nilsen nygren olsen olsson paulsen pedersen pettersen rasmussen simonsen soerensen
    sorensen svendsen sørensen thomassen thorsen
    """.split()  # noqa: SIM905 - a list of names reads best as words
)
# The stems a Swedish -gren surname is made of (Lindgren, Sjögren, Dahlgren), with their spellings in ASCII letters:
# -gren after any other word is a branch of something (idrottsgren, näringsgren), or a unit's own code (NRVGREN). Each
# stem has three letters or more, so that the import's quick look takes a closer look at the name.
GREN_STEMS = frozenset(
    """
    ahl alm ask berg blom dahl eng fors hall hell hol holm lind ling lof lund löf malm nord sand sjo sjö sten strom
    ström söder soder wall wester öster oster
    """.split()  # noqa: SIM905 - a list of stems reads best as words
)
