"""The places editor: planners add, edit and delete places (kampung tematik, KWT, ecofarm).

Every save is a new dataset version of that program: the active version's rows are
copied with the one change applied and stored through the import path's
``geoapp.imports.staging.stage_and_activate``, so the finder, the maps and rollback see
it like any import. Place ids are
``<kind>-<position>`` (as in ``geoapp.places.load``); positions are kept across versions.

Checking a place (``check_place``) never saves silently over a doubt:
- coordinates may be decimal (``.`` or ``,``) or DMS; UTM 48S metres, swapped
  latitude/longitude and a latitude missing its minus sign are CORRECTED and written
  back into the form with a note, and the planner must look and save again;
- the point must lie inside the boundary set, else an error names the nearest
  kelurahan and how far the point is from it;
- when the chosen kelurahan disagrees with the point, the point decides: the form comes
  back with the point's kelurahan and a note, to be confirmed by saving again;
- likely duplicates (similar name, or closer than ``NEAR_M``) are listed and the place is
  saved only when the planner confirms those exact places.

Modules: ``form`` (the form's texts, kinds, place ids), ``listing`` (the places of the
active versions), ``checking`` (``check_place``), ``duplicates``, ``rows`` (the stored row
of a place) and ``versions`` (``save_place``, ``delete_place``). Core: no Flask.
"""
