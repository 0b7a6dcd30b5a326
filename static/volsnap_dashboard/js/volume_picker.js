/*
 * The volume picker (volsnap_dashboard/dashboards/volume_picker.py) and
 * the quota bars of the protect and restore forms.
 *
 * The picker asks the server for one page of volumes per search (and per
 * Next or Previous, pages after the first starting after a Cinder marker,
 * earlier pages remembered for Previous); volumes
 * ticked on a page move to the "Selected" group when the next page comes,
 * so a selection survives any number of searches. Each quota bar adds
 * what the form asks for now: the ticked volumes (count or sizes) or the
 * value of a number input.
 */
(function () {
  'use strict';

  var SEARCH_DELAY_MS = 300;

  // Volume group id -> {count, gigabytes} of its volumes, from the server.
  var groupMembers = {};

  // With "as a consistent group snapshot" ticked and the ticked volumes
  // in one group, Cinder snapshots every volume of the group: what the
  // bars count, once the server has said (null until then).
  function groupPending($form, driver) {
    var $box = $form.find('input[data-members-url]');
    if (!$box.is(':checked')) {
      return null;
    }
    var groups = {};
    $form.find('.volsnap-volume-picker input[type=checkbox]:checked')
      .each(function () { groups[$(this).attr('data-group') || ''] = true; });
    var ids = Object.keys(groups);
    if (ids.length !== 1 || !ids[0]) {
      return null;
    }
    var members = groupMembers[ids[0]];
    if (members === undefined) {
      groupMembers[ids[0]] = null;
      $.getJSON($box.attr('data-members-url'), {group: ids[0]})
        .done(function (found) {
          groupMembers[ids[0]] = found;
          updateBars($form);
        }).fail(function () {
          delete groupMembers[ids[0]];
        });
    }
    if (!members) {
      return null;
    }
    return driver === 'count' ? members.count : members.gigabytes;
  }

  function pendingOf($bar, $form) {
    var driver = $bar.attr('data-volsnap-pending-of');
    if (driver === 'one') {
      return 1;
    }
    var inGroup = groupPending($form, driver);
    if (inGroup !== null && (driver === 'count' || driver === 'size')) {
      return inGroup;
    }
    if (driver === 'count' || driver === 'size') {
      var total = 0;
      $form.find('.volsnap-volume-picker input[type=checkbox]:checked')
        .each(function () {
          total += driver === 'count' ? 1 :
            (parseInt($(this).attr('data-size'), 10) || 0);
        });
      return total;
    }
    var value = parseInt($form.find('[id="' + driver + '"]').val(), 10);
    return value > 0 ? value : 0;
  }

  function updateBars($form) {
    $form.find('.volsnap-quota-bar').each(function () {
      var $bar = $(this);
      var pending = pendingOf($bar, $form);
      $bar.attr('data-pending', pending);
      $bar.nextAll('.volsnap-quota-pending').first()
        .find('.volsnap-pending-value')
        .text(horizon.Quota.humanizeNumbers(pending));
      if (parseInt($bar.attr('data-quota-limit'), 10) > 0) {
        horizon.Quota.updateUsageFor($bar, pending);
      }
    });
  }

  function initBars($form) {
    if ($form.data('volsnapBars')) {
      return;
    }
    $form.data('volsnapBars', true);
    $form.find('.volsnap-quota-bar').each(function () {
      var driver = $(this).attr('data-volsnap-pending-of');
      if (driver && ['one', 'count', 'size'].indexOf(driver) < 0) {
        $form.on('input change', '[id="' + driver + '"]', function () {
          updateBars($form);
        });
      }
    });
    $form.on('change', '.volsnap-volume-picker input[type=checkbox], ' +
      'input[data-members-url]', function () { updateBars($form); });
    updateBars($form);
  }

  function initPicker($picker) {
    if ($picker.data('volsnapPicker')) {
      return;
    }
    $picker.data('volsnapPicker', true);
    var $form = $picker.closest('form');
    var $input = $picker.find('input[type=search]');
    var $results = $picker.find('.volsnap-picker-results');
    var $selected = $picker.find('.volsnap-picker-selected');
    var lastQuery = '';
    var timer = null;
    var pending = null;

    // Ticked results join the selected group; unticked selected leave it.
    function keepTicked() {
      $selected.find('input[type=checkbox]:not(:checked)')
        .closest('.volsnap-picker-entry').remove();
      $results.find('input[type=checkbox]:checked')
        .closest('.volsnap-picker-entry')
        .appendTo($selected.find('.volsnap-picker-list'));
      $selected.prop('hidden',
        $selected.find('.volsnap-picker-entry').length === 0);
    }

    // A selected volume is listed once: in the selected group.
    function dropSelectedFromResults() {
      var chosen = {};
      $selected.find('input[type=checkbox]').each(function () {
        chosen[this.value] = true;
      });
      $results.find('input[type=checkbox]').filter(function () {
        return chosen[this.value];
      }).closest('.volsnap-picker-entry').remove();
    }

    // The pages before the one shown, for Previous: [{marker, offset}].
    var earlier = [];
    var shownPage = {};

    function search(again, page) {
      var query = $.trim($input.val());
      clearTimeout(timer);
      if (!page && !again && query === lastQuery) {
        return;
      }
      if (!page) {
        earlier = [];
        lastQuery = query;
      }
      page = page || {};
      if (pending) {
        pending.abort();
      }
      $picker.attr('aria-busy', 'true');
      var data = {q: lastQuery};
      if (page.marker) {
        data.marker = page.marker;
        data.offset = page.offset;
      }
      pending = $.ajax({
        url: $picker.attr('data-search-url'),
        data: data,
        dataType: 'html'
      }).done(function (html) {
        shownPage = page;
        keepTicked();
        $results.html(html);
        dropSelectedFromResults();
        updateBars($form);
      }).fail(function (xhr, status) {
        if (status !== 'abort') {
          $results.find('.volsnap-picker-status').text(
            gettext('Unable to search volumes. Try again.'));
        }
      }).always(function () {
        $picker.removeAttr('aria-busy');
        pending = null;
      });
    }

    $input.on('input', function () {
      clearTimeout(timer);
      timer = setTimeout(search, SEARCH_DELAY_MS);
    });
    // Enter searches; it must not submit the form.
    $input.on('keydown', function (event) {
      if (event.key === 'Enter') {
        event.preventDefault();
        search(true);
      }
    });
    $picker.find('.volsnap-picker-go').on('click', function () {
      search(true);
    });
    // Next and Previous come with each page of results.
    $results.on('click', '.volsnap-picker-next', function () {
      var $next = $(this);
      earlier.push(shownPage);
      search(true, {marker: $next.attr('data-marker'),
                    offset: $next.attr('data-offset')});
    });
    $results.on('click', '.volsnap-picker-prev', function () {
      var previous = earlier.pop() || {};
      if (previous.marker) {
        search(true, previous);
      } else {
        search(true, {first: true});
      }
    });
  }

  function init(container) {
    $(container).find('.volsnap-volume-picker').each(function () {
      initPicker($(this));
    });
    $(container).find('form').has('.volsnap-quota-bar').each(function () {
      initBars($(this));
    });
  }

  horizon.modals.addModalInitFunction(init);
  horizon.addInitFunction(function () {
    init(document.body);
  });
})();
